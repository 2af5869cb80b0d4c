using System.Buffers.Binary;
using TrainExplain.TensorBoard;

namespace TrainExplain.Testing;

/// <summary>
/// Reads the records of a TFRecord file, checking both CRCs. A truncated last record (a writer still appending, or a
/// process killed mid-write) ends the enumeration quietly, as TensorBoard waits at it; a CRC mismatch is corruption.
/// </summary>
internal static class TfRecordReader
{
    /// <summary>The data of every complete record of <paramref name="path"/> with the byte offset where its record starts.</summary>
    /// <exception cref="InvalidDataException">A record's length or data fails its CRC check; the message names the file and offset.</exception>
    public static IEnumerable<(long Offset, byte[] Data)> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var header = new byte[TfRecord.HeaderLength];
        var footer = new byte[TfRecord.FooterLength];
        while (true)
        {
            var offset = stream.Position;
            if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
            {
                yield break;
            }

            var length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            RequireCrc(header.AsSpan(0, 8), BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8)), path, offset, "length");
            if (length > (ulong)Math.Max(0, stream.Length - stream.Position - TfRecord.FooterLength))
            {
                yield break;
            }

            var data = new byte[length];
            if (stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false) < data.Length
                || stream.ReadAtLeast(footer, footer.Length, throwOnEndOfStream: false) < footer.Length)
            {
                yield break;
            }

            RequireCrc(data, BinaryPrimitives.ReadUInt32LittleEndian(footer), path, offset, "data");
            yield return (offset, data);
        }
    }

    private static void RequireCrc(ReadOnlySpan<byte> bytes, uint stored, string path, long offset, string part)
    {
        var actual = TfRecord.MaskedCrc32C(bytes);
        if (actual != stored)
        {
            throw new InvalidDataException(
                $"{path}: the record at byte offset {offset} is corrupt: its {part} CRC is 0x{stored:X8} but its bytes give 0x{actual:X8}.");
        }
    }
}
