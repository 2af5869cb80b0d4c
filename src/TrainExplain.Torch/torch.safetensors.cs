using TrainExplain.Torch.SafeTensors;

namespace TrainExplain.Torch;

public static partial class torch
{
    private static readonly (ScalarType Torch, SafeTensorDType File)[] SafeTensorTypes =
    [
        (ScalarType.Float32, SafeTensorDType.F32), (ScalarType.Float64, SafeTensorDType.F64), (ScalarType.Float16, SafeTensorDType.F16),
        (ScalarType.BFloat16, SafeTensorDType.BF16), (ScalarType.Int64, SafeTensorDType.I64), (ScalarType.Int32, SafeTensorDType.I32),
        (ScalarType.Byte, SafeTensorDType.U8), (ScalarType.Bool, SafeTensorDType.BOOL),
    ];

    /// <summary>
    /// Saves named tensors (e.g. <c>model.state_dict()</c>) as safetensors, readable by PyTorch and Hugging Face under the
    /// same names; the file is written to a temporary name and renamed.
    /// </summary>
    public static void save_safetensors(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = tensors.Select(pair => new SafeTensorEntry(pair.Key, SafeTensorTypes.First(t => t.Torch == pair.Value.dtype).File,
            pair.Value.Shape, pair.Value.ToBytes()));
        SafeTensorsFile.Save(path, entries, metadata);
    }

    /// <summary>Loads every tensor of a safetensors file onto <paramref name="device"/>; the caller owns them.</summary>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt or hostile.</exception>
    public static Dictionary<string, Tensor> load_safetensors(string path, Device? device = null)
    {
        var content = SafeTensorsFile.Load(path);
        var loaded = new Dictionary<string, Tensor>();
        foreach (var entry in content.Tensors)
        {
            var type = SafeTensorTypes.First(t => t.File == entry.DType).Torch;
            loaded.Add(entry.Name, Tensor.FromBytes(entry.Data.Span, type, entry.Shape.ToArray(), device ?? Device.CPU));
        }
        return loaded;
    }
}
