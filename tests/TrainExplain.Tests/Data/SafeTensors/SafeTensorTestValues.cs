using System.Buffers.Binary;
using TrainExplain.Data.SafeTensors;

namespace TrainExplain.Tests.Data.SafeTensors;

/// <summary>
/// Known tensor contents shared by the C# tests and the Python peer: element k of every tensor is a simple formula
/// of k whose values every dtype holds exactly, so comparisons can be exact.
/// </summary>
internal static class SafeTensorTestValues
{
    /// <summary>The value of element <paramref name="k"/> of a tensor of <paramref name="dtype"/> (same formula as the Python script).</summary>
    public static double Expected(SafeTensorDType dtype, long k) => dtype switch
    {
        SafeTensorDType.F32 or SafeTensorDType.F64 or SafeTensorDType.F16 or SafeTensorDType.BF16 => (k * 0.5) - 1,
        SafeTensorDType.I64 => (k * 3) - 4 + (1L << 40),
        SafeTensorDType.I32 => (k * 3) - 4,
        SafeTensorDType.U8 => k * 7 % 256,
        SafeTensorDType.BOOL => k % 3 == 0 ? 1 : 0,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>A tensor entry filled with <see cref="Expected"/>.</summary>
    public static SafeTensorEntry Entry(string name, SafeTensorDType dtype, params long[] shape)
    {
        long count = shape.Aggregate(1L, (product, dimension) => product * dimension);
        int size = dtype.ElementSize();
        byte[] data = new byte[count * size];
        for (long k = 0; k < count; k++)
        {
            Encode(dtype, Expected(dtype, k), data.AsSpan((int)(k * size), size));
        }

        return new SafeTensorEntry(name, dtype, shape, data);
    }

    /// <summary>The elements of <paramref name="entry"/> as doubles.</summary>
    public static double[] Decode(SafeTensorEntry entry)
    {
        int size = entry.DType.ElementSize();
        var values = new double[entry.ElementCount];
        for (int k = 0; k < values.Length; k++)
        {
            values[k] = Decode(entry.DType, entry.Data.Span.Slice(k * size, size));
        }

        return values;
    }

    private static void Encode(SafeTensorDType dtype, double value, Span<byte> bytes)
    {
        switch (dtype)
        {
            case SafeTensorDType.F32: BinaryPrimitives.WriteSingleLittleEndian(bytes, (float)value); break;
            case SafeTensorDType.F64: BinaryPrimitives.WriteDoubleLittleEndian(bytes, value); break;
            case SafeTensorDType.F16: BinaryPrimitives.WriteHalfLittleEndian(bytes, (Half)value); break;
            // bfloat16 is the upper half of a float32; the test values need no rounding.
            case SafeTensorDType.BF16: BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)(BitConverter.SingleToUInt32Bits((float)value) >> 16)); break;
            case SafeTensorDType.I64: BinaryPrimitives.WriteInt64LittleEndian(bytes, (long)value); break;
            case SafeTensorDType.I32: BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)value); break;
            case SafeTensorDType.U8 or SafeTensorDType.BOOL: bytes[0] = (byte)value; break;
            default: throw new ArgumentOutOfRangeException(nameof(dtype));
        }
    }

    private static double Decode(SafeTensorDType dtype, ReadOnlySpan<byte> bytes) => dtype switch
    {
        SafeTensorDType.F32 => BinaryPrimitives.ReadSingleLittleEndian(bytes),
        SafeTensorDType.F64 => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
        SafeTensorDType.F16 => (double)BinaryPrimitives.ReadHalfLittleEndian(bytes),
        SafeTensorDType.BF16 => BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(bytes) << 16),
        SafeTensorDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
        SafeTensorDType.I32 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
        SafeTensorDType.U8 or SafeTensorDType.BOOL => bytes[0],
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };
}
