using TrainExplain.Data.SafeTensors;

namespace TrainExplain.Tests.Data.SafeTensors;

/// <summary>Files written here load in PyTorch with the same names, dtypes, shapes and values, and the other way round.</summary>
public sealed class SafeTensorsPyTorchInteropTests : IDisposable
{
    private static readonly (string Name, SafeTensorDType DType, long[] Shape, string TorchDType)[] Tensors =
    [
        ("f32", SafeTensorDType.F32, [2, 3], "torch.float32"),
        ("f64", SafeTensorDType.F64, [], "torch.float64"),
        ("f16", SafeTensorDType.F16, [4], "torch.float16"),
        ("bf16", SafeTensorDType.BF16, [2, 2], "torch.bfloat16"),
        ("i64", SafeTensorDType.I64, [3], "torch.int64"),
        ("i32", SafeTensorDType.I32, [0, 2], "torch.int32"),
        ("u8", SafeTensorDType.U8, [5], "torch.uint8"),
        ("bool", SafeTensorDType.BOOL, [2, 2], "torch.bool"),
    ];

    private readonly string directory = Directory.CreateTempSubdirectory("safetensors-interop-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void A_file_written_here_reads_in_PyTorch_with_the_same_names_dtypes_shapes_and_values()
    {
        PyTorchSafeTensorsPeer.SkipUnlessAvailable();
        string path = Path.Combine(directory, "from-csharp.safetensors");
        SafeTensorsFile.Save(path, Tensors.Select(t => SafeTensorTestValues.Entry(t.Name, t.DType, t.Shape)), new Dictionary<string, string> { ["format"] = "pt" });

        using var read = PyTorchSafeTensorsPeer.Read(path);

        var tensors = read.RootElement.GetProperty("tensors");
        Assert.Equal(Tensors.Select(t => t.Name).Order(), tensors.EnumerateObject().Select(p => p.Name).Order());
        foreach (var (name, dtype, shape, torchDType) in Tensors)
        {
            var tensor = tensors.GetProperty(name);
            Assert.Equal(torchDType, tensor.GetProperty("dtype").GetString());
            Assert.Equal(shape, tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
            Assert.Equal(ExpectedValues(dtype, shape), tensor.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        }

        Assert.Equal("pt", read.RootElement.GetProperty("metadata").GetProperty("format").GetString());
    }

    [Fact]
    public void A_file_written_by_PyTorch_reads_here_with_the_same_names_dtypes_shapes_and_values()
    {
        PyTorchSafeTensorsPeer.SkipUnlessAvailable();
        string path = Path.Combine(directory, "from-python.safetensors");
        PyTorchSafeTensorsPeer.Write(path);

        var content = SafeTensorsFile.Load(path);

        Assert.Equal(Tensors.Select(t => t.Name).Order(), content.Tensors.Select(t => t.Name).Order());
        foreach (var (name, dtype, shape, _) in Tensors)
        {
            var tensor = content[name];
            Assert.Equal(dtype, tensor.DType);
            Assert.Equal(shape, tensor.Shape);
            Assert.Equal(ExpectedValues(dtype, shape), SafeTensorTestValues.Decode(tensor));
        }

        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt", ["writer"] = "python" }, content.Metadata);
    }

    private static double[] ExpectedValues(SafeTensorDType dtype, long[] shape)
    {
        long count = shape.Aggregate(1L, (product, dimension) => product * dimension);
        return [.. Enumerable.Range(0, (int)count).Select(k => SafeTensorTestValues.Expected(dtype, k))];
    }
}
