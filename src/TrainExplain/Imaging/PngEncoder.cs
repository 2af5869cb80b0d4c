using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace TrainExplain.Imaging;

/// <summary>Writes 8-bit PNG files (PNG specification, ISO/IEC 15948): one IHDR, one IDAT, IEND.</summary>
internal static class PngEncoder
{
    /// <summary>The 8-byte PNG signature.</summary>
    public static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>The PNG color type of an image with <paramref name="channels"/> channels.</summary>
    public static byte ColorType(int channels) => channels switch
    {
        1 => 0,
        2 => 4,
        3 => 2,
        _ => 6,
    };

    /// <summary>Encodes <paramref name="image"/>, choosing per row the filter with the smallest sum of absolute values.</summary>
    public static byte[] Encode(Image image, CompressionLevel compression)
    {
        var output = new MemoryStream();
        output.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], image.Height);
        header[8] = 8;
        header[9] = ColorType(image.Channels);
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", Compress(image, compression));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static ReadOnlySpan<byte> Compress(Image image, CompressionLevel compression)
    {
        var rowBytes = image.Width * image.Channels;
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, compression, leaveOpen: true))
        {
            var previous = new byte[rowBytes];
            var candidates = new byte[PngFilters.Count * (rowBytes + 1)];
            for (var y = 0; y < image.Height; y++)
            {
                var row = image.Pixels.AsSpan(y * rowBytes, rowBytes);
                zlib.Write(BestFilteredRow(row, previous, image.Channels, candidates));
                row.CopyTo(previous);
            }
        }

        return compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
    }

    /// <summary>The filter type byte followed by the row filtered with the lowest-scoring filter.</summary>
    private static ReadOnlySpan<byte> BestFilteredRow(ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int bytesPerPixel, Span<byte> candidates)
    {
        var stride = row.Length + 1;
        var best = 0;
        var bestScore = long.MaxValue;
        for (var type = 0; type < PngFilters.Count; type++)
        {
            var candidate = candidates.Slice(type * stride, stride);
            candidate[0] = (byte)type;
            var score = PngFilters.Filter(type, row, previous, bytesPerPixel, candidate[1..]);
            if (score < bestScore)
            {
                (best, bestScore) = (type, score);
            }
        }

        return candidates.Slice(best * stride, stride);
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, PngCrc32.Compute(typeBytes, data));
        output.Write(word);
    }
}
