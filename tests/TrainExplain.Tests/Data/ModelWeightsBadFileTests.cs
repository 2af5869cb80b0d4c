using TrainExplain.Data;
using TrainExplain.Tests.Data.SafeTensors;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Data;

/// <summary>
/// Truncated, hostile and mismatched weights files each end in one error that names the file, with the model's weights
/// unchanged, no large allocation and no leak (see <see cref="WeightsAssert.Refused"/>).
/// </summary>
public sealed class ModelWeightsBadFileTests(PyTorchWeightFiles files) : IClassFixture<PyTorchWeightFiles>, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("bad-weights").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>The bytes of a good file of <see cref="WeightsTestModels.Net"/>'s weights in the format of <paramref name="extension"/>.</summary>
    private byte[] GoodFile(string extension)
    {
        var path = Path.Combine(directory, $"good{extension}");
        using var model = WeightsTestModels.Net(seed: 80);
        ModelWeights.Save(model, path);
        return File.ReadAllBytes(path);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(".pt")]
    [InlineData(".safetensors")]
    public void AFileCutAnywhereIsRefused(string extension)
    {
        var good = GoodFile(extension);
        using var model = WeightsTestModels.Net();
        foreach (var length in new[] { 1, 4, 8, 10, 30, 100, good.Length / 4, good.Length / 2, 3 * good.Length / 4, good.Length - 22, good.Length - 1 })
        {
            WeightsAssert.Refused<InvalidDataException>(model, Write($"cut{length}{extension}", good[..length]));
        }
    }

    [Theory]
    [InlineData(".pt")]
    [InlineData(".safetensors")]
    public void AnEmptyFileRandomBytesAndAFolderAreRefused(string extension)
    {
        using var model = WeightsTestModels.Net();
        WeightsAssert.Refused<InvalidDataException>(model, Write($"empty{extension}", []));
        var random = new byte[4096];
        new Random(81).NextBytes(random);
        WeightsAssert.Refused<InvalidDataException>(model, Write($"random{extension}", random));
        "PK\u0003\u0004"u8.CopyTo(random);
        WeightsAssert.Refused<InvalidDataException>(model, Write($"random-zip{extension}", random));
        var folder = Directory.CreateDirectory(Path.Combine(directory, $"folder{extension}")).FullName;
        Assert.Contains("is a folder", WeightsAssert.Refused<InvalidDataException>(model, folder).Message);
    }

    [Fact]
    public void ASafetensorsHeaderClaimingAHugeTensorIsRefusedBeforeAnyAllocation()
    {
        using var model = WeightsTestModels.Net();
        var path = Write("huge.safetensors", SafeTensorTestFiles.Compose(
            """{"fc.weight":{"dtype":"F32","shape":[1000000,1000000],"data_offsets":[0,4000000000000]}}""", 72));
        WeightsAssert.Refused<InvalidDataException>(model, path);
    }

    [Fact]
    public void ASafetensorsTensorOfAnotherShapeNamesTheParameter()
    {
        using var model = WeightsTestModels.Net();
        var path = Write("reshaped.safetensors", SafeTensorTestFiles.Compose(
            """{"fc.weight":{"dtype":"F32","shape":[18],"data_offsets":[0,72]}}""", 72));
        var error = WeightsAssert.Refused<WeightsMismatchException>(model, path);
        Assert.Contains("missing conv1.weight", error.Message);
    }

    [Fact]
    public void AStorageEntryShorterThanItsTensorIsRefusedNamingTheTensor()
    {
        PythonTorch.SkipUnlessAvailable();
        using var model = WeightsTestModels.Net();
        var error = WeightsAssert.Refused<InvalidDataException>(model, files["short_entry.pt"]);
        Assert.Contains("tensor 'conv2.weight' of shape [6, 4, 3, 3] needs 864 bytes but its storage holds 432", error.Message);
    }

    [Theory]
    [InlineData("huge_shape.pt", "tensor 'fc.weight' of shape [1000000, 1000000] needs")]
    [InlineData("huge_stride.pt", "tensor 'fc.weight' of shape [3, 6] needs")]
    [InlineData("huge_int64_shape.pt", "not a readable weights file")]
    [InlineData("overflowing_shape.pt", "not a readable weights file")]
    public void APickleClaimingMoreThanItsStorageHoldsIsRefusedBeforeAnyAllocation(string name, string problem)
    {
        PythonTorch.SkipUnlessAvailable();
        using var model = WeightsTestModels.Net();
        var error = WeightsAssert.Refused<InvalidDataException>(model, files[name]);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void AWiderPyTorchModelsWeightsNameTheParameter()
    {
        PythonTorch.SkipUnlessAvailable();
        using var model = WeightsTestModels.Net();
        var error = WeightsAssert.Refused<WeightsMismatchException>(model, files["wider.pt"]);
        Assert.Equal("conv1.weight", error.Parameter);
    }

    [Theory]
    [InlineData("legacy.pt", "not a PyTorch zip archive")]
    [InlineData("whole_model.pt", "not a readable weights file: a PyTorch file that holds a whole model (torch.save(model)), not a state_dict")]
    [InlineData("tensor_top.pt", "not a readable weights file: a PyTorch file whose top level is a tensor, not a state_dict (a dict of parameter names to tensors); save model.state_dict()")]
    [InlineData("list_top.pt", "a PyTorch file whose top level is a list, not a state_dict")]
    [InlineData("device_entry.pt", "a PyTorch file that holds a Python object other than tensors, which this reader cannot rebuild; expected a state_dict")]
    [InlineData("number_entry.pt", "the state dict's entry 'version' is not a tensor; expected a state_dict")]
    public void FilesThatAreNotAStateDictInTheZipFormatAreRefused(string name, string problem)
    {
        PythonTorch.SkipUnlessAvailable();
        using var model = WeightsTestModels.Net();
        var error = WeightsAssert.Refused<InvalidDataException>(model, files[name]);
        Assert.Contains(problem, error.Message);
        // The reader's own types (PyBridge's, its unpickler's, .NET's) stay out of the message; the inner exception keeps them.
        Assert.DoesNotMatch("Hashtable|ObjectConstructor|ConstructorArgs|ClassDict|System\\.|PyBridge|Unable to cast", error.Message);
        if (name != "number_entry.pt")
        {
            Assert.NotNull(error.InnerException);
        }
    }
}
