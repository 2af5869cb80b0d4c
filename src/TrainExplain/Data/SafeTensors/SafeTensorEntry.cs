namespace TrainExplain.Data.SafeTensors;

/// <summary>One named tensor of a safetensors file: element type, shape and raw little-endian row-major bytes.</summary>
internal sealed class SafeTensorEntry
{
    /// <summary>The key that <c>safetensors</c> reserves for the file's string-to-string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    private readonly long[] shape;

    /// <summary>Creates an entry after checking that <paramref name="data"/> holds exactly one tensor of that shape.</summary>
    /// <param name="name">The tensor's name, e.g. a state-dict key <c>"conv1.weight"</c>; not empty, not <c>"__metadata__"</c>.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The dimensions; empty for a scalar, zeros allowed, negatives not. The entry keeps a copy.</param>
    /// <param name="data">Little-endian row-major bytes, <c>product(shape) * dtype.ElementSize()</c> long. Not copied.</param>
    /// <exception cref="ArgumentException">The name is empty or reserved, a dimension is negative, the byte count
    /// overflows, or the data length does not match the shape.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined value.</exception>
    public SafeTensorEntry(string name, SafeTensorDType dtype, IReadOnlyList<long> shape, ReadOnlyMemory<byte> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (name == MetadataKey)
        {
            throw new ArgumentException($"The tensor name '{MetadataKey}' is reserved for the file's metadata.", nameof(name));
        }

        this.shape = [.. shape];
        if (Array.Exists(this.shape, dimension => dimension < 0))
        {
            throw new ArgumentException($"Tensor '{name}' has shape {HostCopies.FormatShape(this.shape)}; dimensions must be >= 0.", nameof(shape));
        }

        if (!dtype.TryGetByteLength(this.shape, out long byteLength))
        {
            throw new ArgumentException($"Tensor '{name}' of {dtype} with shape {HostCopies.FormatShape(this.shape)} has more bytes than a long can count.", nameof(shape));
        }

        if (data.Length != byteLength)
        {
            throw new ArgumentException(
                $"Tensor '{name}' of {dtype} with shape {HostCopies.FormatShape(this.shape)} needs {byteLength} bytes, but the data has {data.Length}.",
                nameof(data));
        }

        Name = name;
        DType = dtype;
        Data = data;
    }

    /// <summary>The tensor's name, unique within a file.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafeTensorDType DType { get; }

    /// <summary>The dimensions; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape => this.shape;

    /// <summary>The number of elements, the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount => Data.Length / DType.ElementSize();

    /// <summary>Little-endian row-major element bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }
}
