namespace TrainExplain.Data.SafeTensors;

/// <summary>Sizes and header names of <see cref="SafeTensorDType"/>.</summary>
internal static class SafeTensorDTypeExtensions
{
    /// <summary>The header names this library reads and writes, for error messages.</summary>
    internal const string SupportedNames = "F32, F64, F16, BF16, I64, I32, U8, BOOL";

    /// <summary>Bytes per element of <paramref name="dtype"/>.</summary>
    /// <param name="dtype">The element type.</param>
    /// <returns>1, 2, 4 or 8.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined value.</exception>
    public static int ElementSize(this SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F64 or SafeTensorDType.I64 => 8,
        SafeTensorDType.F32 or SafeTensorDType.I32 => 4,
        SafeTensorDType.F16 or SafeTensorDType.BF16 => 2,
        SafeTensorDType.U8 or SafeTensorDType.BOOL => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Expected one of {SupportedNames}."),
    };

    /// <summary>The <c>dtype</c> string of <paramref name="dtype"/> in a safetensors header, e.g. <c>"BF16"</c>.</summary>
    /// <param name="dtype">The element type.</param>
    /// <returns>The header name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined value.</exception>
    public static string HeaderName(this SafeTensorDType dtype) => Enum.IsDefined(dtype)
        ? dtype.ToString()
        : throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Expected one of {SupportedNames}.");

    /// <summary>Parses a header <c>dtype</c> string; matching is exact (case-sensitive), as in the official reader.</summary>
    internal static bool TryParseHeaderName(string name, out SafeTensorDType dtype)
    {
        dtype = name switch
        {
            "F32" => SafeTensorDType.F32,
            "F64" => SafeTensorDType.F64,
            "F16" => SafeTensorDType.F16,
            "BF16" => SafeTensorDType.BF16,
            "I64" => SafeTensorDType.I64,
            "I32" => SafeTensorDType.I32,
            "U8" => SafeTensorDType.U8,
            "BOOL" => SafeTensorDType.BOOL,
            _ => (SafeTensorDType)(-1),
        };
        return Enum.IsDefined(dtype);
    }

    /// <summary>
    /// Bytes a tensor of <paramref name="dtype"/> and <paramref name="shape"/> occupies, or false when that number
    /// does not fit in a <see cref="long"/> (a hostile header can claim any shape).
    /// </summary>
    internal static bool TryGetByteLength(this SafeTensorDType dtype, IReadOnlyList<long> shape, out long byteLength)
    {
        try
        {
            long length = dtype.ElementSize();
            foreach (long dimension in shape)
            {
                length = checked(length * dimension);
            }

            byteLength = length;
            return true;
        }
        catch (OverflowException)
        {
            byteLength = 0;
            return false;
        }
    }
}
