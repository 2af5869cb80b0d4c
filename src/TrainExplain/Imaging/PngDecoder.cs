using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace TrainExplain.Imaging;

/// <summary>
/// Reads 8-bit, non-interlaced PNG files of every color type (PNG specification, ISO/IEC 15948), checking every chunk CRC.
/// Gray stays 1 channel, gray+alpha 2, RGB 3, RGBA 4; a palette image becomes RGB, or RGBA when it has a tRNS chunk.
/// Ancillary chunks other than tRNS are skipped (a tRNS color key of a gray or RGB image is ignored).
/// </summary>
internal static class PngDecoder
{
    /// <summary>Decodes a whole PNG file held in memory.</summary>
    public static Image Decode(ReadOnlySpan<byte> png)
    {
        RequireSignature(png);
        PngHeader? header = null;
        byte[]? palette = null;
        byte[]? paletteAlpha = null;
        var imageData = new MemoryStream();
        var offset = PngEncoder.Signature.Length;
        while (true)
        {
            var type = ReadChunk(png, ref offset, out var data);
            if (header is null && type != "IHDR")
            {
                throw new InvalidDataException($"PNG chunk '{type}' comes first; the IHDR chunk must be first.");
            }

            switch (type)
            {
                case "IHDR" when header is null:
                    header = CheckedHeader(data);
                    break;
                case "PLTE":
                    palette = ParsePalette(data);
                    break;
                case "tRNS" when header!.ColorType == 3:
                    paletteAlpha = data.ToArray();
                    break;
                case "IDAT":
                    imageData.Write(data);
                    break;
                case "IEND":
                    return ToImage(header!, Inflate(header!, imageData), palette, paletteAlpha);
                default:
                    RequireAncillary(type);
                    break;
            }
        }
    }

    /// <summary>The IHDR fields of a PNG from its first 33 bytes (signature and IHDR chunk), CRC checked.</summary>
    public static PngHeader DecodeHeader(ReadOnlySpan<byte> start)
    {
        RequireSignature(start);
        var offset = PngEncoder.Signature.Length;
        var type = ReadChunk(start, ref offset, out var data);
        return type == "IHDR" ? CheckedHeader(data) : throw new InvalidDataException($"PNG chunk '{type}' comes first; the IHDR chunk must be first.");
    }

    private static void RequireSignature(ReadOnlySpan<byte> png)
    {
        if (png.Length < PngEncoder.Signature.Length || !png[..PngEncoder.Signature.Length].SequenceEqual(PngEncoder.Signature))
        {
            throw new InvalidDataException("Not a PNG file: the 8-byte PNG signature is missing.");
        }
    }

    /// <summary>Parses IHDR and refuses more than <see cref="Png.MaxPixels"/> pixels before any pixel buffer is allocated.</summary>
    private static PngHeader CheckedHeader(ReadOnlySpan<byte> data)
    {
        var header = PngHeader.Parse(data);
        if ((long)header.Width * header.Height > Png.MaxPixels)
        {
            throw new InvalidDataException($"PNG of {header.Width}x{header.Height} pixels is larger than the {Png.MaxPixels} pixels this decoder reads.");
        }
        return header;
    }

    private static string ReadChunk(ReadOnlySpan<byte> png, ref int offset, out ReadOnlySpan<byte> data)
    {
        if (png.Length - offset < 12)
        {
            throw new InvalidDataException($"PNG is truncated: it ends at byte {png.Length} before the IEND chunk.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(png[offset..]);
        var type = Encoding.ASCII.GetString(png.Slice(offset + 4, 4));
        if (length > (uint)(png.Length - offset - 12))
        {
            throw new InvalidDataException(
                $"PNG is truncated: chunk '{type}' at byte {offset} declares {length} data bytes but only {png.Length - offset - 12} follow.");
        }

        data = png.Slice(offset + 8, (int)length);
        var storedCrc = BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 8 + (int)length)..]);
        var actualCrc = PngCrc32.Compute(png.Slice(offset + 4, 4), data);
        if (storedCrc != actualCrc)
        {
            throw new InvalidDataException(
                $"PNG chunk '{type}' at byte {offset} is corrupt: its CRC is 0x{storedCrc:X8} but its bytes give 0x{actualCrc:X8}.");
        }

        offset += 12 + (int)length;
        return type;
    }

    private static byte[] ParsePalette(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0 || data.Length % 3 != 0 || data.Length > 256 * 3)
        {
            throw new InvalidDataException($"PNG PLTE chunk has {data.Length} bytes; expected 3 to 768 bytes, a multiple of 3.");
        }

        return data.ToArray();
    }

    private static void RequireAncillary(string type)
    {
        // Bit 5 of the first type byte is the "ancillary" bit: an unknown critical chunk means we cannot render the image.
        if (!char.IsLower(type[0]))
        {
            throw new InvalidDataException($"PNG has an unexpected critical chunk '{type}'.");
        }
    }

    private static byte[] Inflate(PngHeader header, MemoryStream imageData)
    {
        var rowBytes = (long)header.Width * header.BytesPerPixel;
        var expected = header.Height * (rowBytes + 1);
        if (expected > Array.MaxLength)
        {
            throw new NotSupportedException($"PNG of {header.Width}x{header.Height} pixels is too large to decode into one array.");
        }

        if (imageData.Length == 0)
        {
            throw new InvalidDataException("PNG has no IDAT chunk: it holds no image data.");
        }

        var scanlines = new byte[expected];
        imageData.Position = 0;
        int read;
        try
        {
            using var zlib = new ZLibStream(imageData, CompressionMode.Decompress);
            read = zlib.ReadAtLeast(scanlines, scanlines.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"PNG image data (zlib stream of the IDAT chunks) is corrupt: {e.Message}", e);
        }

        if (read < expected)
        {
            throw new InvalidDataException($"PNG image data holds {read} bytes after decompression; {header.Width}x{header.Height} pixels need {expected}.");
        }

        return scanlines;
    }

    private static Image ToImage(PngHeader header, byte[] scanlines, byte[]? palette, byte[]? paletteAlpha)
    {
        var rowBytes = header.Width * header.BytesPerPixel;
        var pixels = new byte[(long)rowBytes * header.Height];
        var firstRowAbove = new byte[rowBytes];
        for (var y = 0; y < header.Height; y++)
        {
            var row = pixels.AsSpan(y * rowBytes, rowBytes);
            var above = y == 0 ? firstRowAbove : pixels.AsSpan((y - 1) * rowBytes, rowBytes);
            scanlines.AsSpan((y * (rowBytes + 1)) + 1, rowBytes).CopyTo(row);
            PngFilters.Unfilter(scanlines[y * (rowBytes + 1)], row, above, header.BytesPerPixel, y);
        }

        return header.ColorType == 3
            ? ExpandPalette(header, pixels, palette, paletteAlpha)
            : new Image(header.Width, header.Height, header.BytesPerPixel, pixels);
    }

    private static Image ExpandPalette(PngHeader header, byte[] indices, byte[]? palette, byte[]? paletteAlpha)
    {
        if (palette is null)
        {
            throw new InvalidDataException("PNG palette image (color type 3) has no PLTE chunk.");
        }

        var channels = paletteAlpha is null ? 3 : 4;
        var pixels = new byte[indices.LongLength * channels];
        for (var i = 0; i < indices.Length; i++)
        {
            var index = indices[i];
            if (index * 3 >= palette.Length)
            {
                throw new InvalidDataException($"PNG pixel {i} uses palette index {index} but the palette has {palette.Length / 3} entries.");
            }

            palette.AsSpan(index * 3, 3).CopyTo(pixels.AsSpan(i * channels));
            if (paletteAlpha is not null)
            {
                pixels[(i * channels) + 3] = index < paletteAlpha.Length ? paletteAlpha[index] : byte.MaxValue;
            }
        }

        return new Image(header.Width, header.Height, channels, pixels);
    }
}
