namespace TrainExplain.Data.SafeTensors;

/// <summary>
/// Named TorchSharp tensors to and from safetensors files through the project's own checked reader and writer (for
/// explanation outputs and explain inputs; model weights go through <see cref="ModelWeights"/>). Files are written
/// to a temporary name and renamed; a truncated, corrupt or hostile file ends in an <see cref="InvalidDataException"/>.
/// </summary>
public static class TensorSafeTensors
{
    private static readonly (ScalarType Torch, SafeTensorDType File)[] Types =
    [
        (ScalarType.Float32, SafeTensorDType.F32), (ScalarType.Float64, SafeTensorDType.F64), (ScalarType.Float16, SafeTensorDType.F16),
        (ScalarType.BFloat16, SafeTensorDType.BF16), (ScalarType.Int64, SafeTensorDType.I64), (ScalarType.Int32, SafeTensorDType.I32),
        (ScalarType.Byte, SafeTensorDType.U8), (ScalarType.Bool, SafeTensorDType.BOOL),
    ];

    /// <summary>Saves <paramref name="tensors"/> (copied to the host once each) with optional text metadata.</summary>
    /// <exception cref="ArgumentException">A tensor's dtype has no safetensors counterpart.</exception>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = tensors.Select(pair => new SafeTensorEntry(pair.Key, FileType(pair.Key, pair.Value.dtype), pair.Value.shape, Bytes(pair.Value))).ToList();
        SafeTensorsFile.Save(path, entries, metadata);
    }

    /// <summary>Loads every tensor of a safetensors file onto <paramref name="device"/> (default CPU); the caller owns them.</summary>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt or hostile.</exception>
    public static Dictionary<string, Tensor> Load(string path, Device? device = null)
    {
        var content = SafeTensorsFile.Load(path);
        var loaded = new Dictionary<string, Tensor>();
        foreach (var entry in content.Tensors)
        {
            var type = Types.First(t => t.File == entry.DType).Torch;
            var tensor = torch.empty([.. entry.Shape], type);
            entry.Data.Span.CopyTo(tensor.bytes);
            loaded.Add(entry.Name, device is null || device.type == DeviceType.CPU ? tensor : Move(tensor, device));
        }
        return loaded;
    }

    private static Tensor Move(Tensor tensor, Device device)
    {
        using (tensor)
        {
            return tensor.to(device);
        }
    }

    private static SafeTensorDType FileType(string name, ScalarType type) =>
        Types.FirstOrDefault(t => t.Torch == type) is { Torch: var found } match && found == type
            ? match.File
            : throw new ArgumentException($"Tensor '{name}' has dtype {type}; safetensors files here hold {SafeTensorDTypeExtensions.SupportedNames}.");

    private static byte[] Bytes(Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        return tensor.detach().cpu().contiguous().bytes.ToArray();
    }
}
