namespace TrainExplain.Torch;

/// <summary>Maps CLR element types to <see cref="ScalarType"/> and checks that they agree.</summary>
internal static class ScalarTypes
{
    internal static ScalarType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? ScalarType.Float32
        : typeof(T) == typeof(double) ? ScalarType.Float64
        : typeof(T) == typeof(long) ? ScalarType.Int64
        : typeof(T) == typeof(int) ? ScalarType.Int32
        : typeof(T) == typeof(byte) ? ScalarType.Byte
        : typeof(T) == typeof(bool) ? ScalarType.Bool
        : typeof(T) == typeof(Half) ? ScalarType.Float16
        : throw new NotSupportedException($"Element type {typeof(T).Name} has no tensor dtype.");

    internal static void CheckElementType<T>(ScalarType dtype, string operation) where T : unmanaged
    {
        var expected = Of<T>();
        if (expected != dtype)
        {
            throw new ArgumentException(
                $"{operation}<{typeof(T).Name}> needs a {expected} tensor but this tensor is {dtype}; convert it with to({expected}) first.");
        }
    }

    internal static bool IsFloatingPoint(this ScalarType dtype) =>
        dtype is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;

    /// <summary>Bytes per element.</summary>
    internal static int ElementSize(this ScalarType dtype) => dtype switch
    {
        ScalarType.Byte or ScalarType.Bool => 1,
        ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => throw new NotSupportedException($"Unknown dtype {dtype}."),
    };
}
