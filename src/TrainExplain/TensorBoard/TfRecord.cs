using System.Buffers.Binary;
using System.Numerics;

namespace TrainExplain.TensorBoard;

/// <summary>
/// TFRecord framing (shared/TENSORBOARD-FORMAT.md): <c>u64 LE length | u32 LE masked_crc(length) | data | u32 LE masked_crc(data)</c>,
/// with the masked CRC-32C of TensorFlow's <c>crc32c::Mask</c>.
/// </summary>
internal static class TfRecord
{
    /// <summary>Bytes before the data: the length and its masked CRC.</summary>
    public const int HeaderLength = 12;

    /// <summary>Bytes after the data: its masked CRC.</summary>
    public const int FooterLength = 4;

    private const uint MaskDelta = 0xA282EAD8;

    /// <summary>
    /// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, init and final xor 0xFFFFFFFF), hardware accelerated
    /// through <see cref="BitOperations.Crc32C(uint, ulong)"/> (which computes the raw, unconditioned update).
    /// </summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }

    /// <summary>TensorFlow's masked CRC: <c>((c &gt;&gt; 15) | (c &lt;&lt; 17)) + 0xA282EAD8</c> with <c>c = CRC-32C(data)</c>.</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return unchecked(BitOperations.RotateRight(crc, 15) + MaskDelta);
    }

    /// <summary>
    /// Writes the header and footer around <paramref name="record"/>'s data, which the caller has already placed at
    /// <c>record[HeaderLength..^FooterLength]</c>; building the whole record in one buffer lets it be appended in one write.
    /// </summary>
    public static void Seal(Span<byte> record)
    {
        var dataLength = record.Length - HeaderLength - FooterLength;
        BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)dataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], MaskedCrc32C(record[..8]));
        BinaryPrimitives.WriteUInt32LittleEndian(record[^FooterLength..], MaskedCrc32C(record.Slice(HeaderLength, dataLength)));
    }
}
