using System.Reflection;

namespace TrainExplain.Data;

/// <summary>
/// What TorchSharp.PyBridge's unpickler read about one tensor of a PyTorch zip file before reading its data (its
/// <c>TensorConstructorArgs</c>, returned with <c>skipTensorRead</c>): storage record, dtype, offset, shape, stride.
/// PyBridge 1.4.4 keeps that type internal, so its public properties are read by reflection here, the one place.
/// </summary>
internal sealed class PyTorchStorageRecord : IDisposable
{
    private readonly Stream? data;

    /// <exception cref="InvalidDataException">The entry <paramref name="name"/> is not a tensor.</exception>
    internal PyTorchStorageRecord(string name, object? constructorArgs)
    {
        var type = constructorArgs?.GetType();
        T Read<T>(string property) => type?.GetProperty(property, BindingFlags.Public | BindingFlags.Instance)?.GetValue(constructorArgs) is T value
            ? value
            : throw new InvalidDataException($"the state dict's entry '{name}' is not a tensor; expected a state_dict (a dict of parameter names to tensors); save model.state_dict()");
        data = Read<Stream>("Data");
        (ArchiveIndex, Dtype, StorageOffset, Shape, Stride) = (Read<int>("ArchiveIndex"), Read<ScalarType>("DType"), Read<int>("StorageOffset"), Read<long[]>("Shape"), Read<long[]>("Stride"));
        if (Shape.Length != Stride.Length || Shape.Any(s => s < 0) || Stride.Any(s => s < 0) || StorageOffset < 0)
        {
            throw new InvalidDataException($"a tensor record has shape {HostCopies.FormatShape(Shape)}, stride {HostCopies.FormatShape(Stride)} and offset {StorageOffset}");
        }
    }

    internal int ArchiveIndex { get; }

    internal ScalarType Dtype { get; }

    internal int StorageOffset { get; }

    internal long[] Shape { get; }

    internal long[] Stride { get; }

    internal int ElementSize => Dtype switch
    {
        ScalarType.Bool or ScalarType.Byte or ScalarType.Int8 => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => throw new InvalidDataException($"a tensor has dtype {Dtype}, which a model's weights do not use"),
    };

    /// <summary>How many storage elements the view reaches: offset + 1 + sum of (size - 1) * stride (0 for an empty tensor).</summary>
    internal long ElementsSpanned()
    {
        if (Shape.Any(s => s == 0))
        {
            return 0;
        }
        return checked(StorageOffset + 1 + Shape.Zip(Stride, (size, stride) => (size - 1) * stride).Sum());
    }

    public void Dispose() => data?.Dispose();
}
