using System.Buffers.Binary;

namespace TrainExplain.Imaging;

/// <summary>The fields of a PNG IHDR chunk that decoding needs, validated (PNG specification, section 11.2.2).</summary>
internal sealed record PngHeader(int Width, int Height, int ColorType)
{
    /// <summary>Bytes per pixel in the filtered scanlines (the palette index counts as one byte).</summary>
    public int BytesPerPixel => ColorType switch
    {
        0 or 3 => 1,
        4 => 2,
        2 => 3,
        _ => 4,
    };

    /// <summary>Parses and validates a 13-byte IHDR payload.</summary>
    /// <exception cref="InvalidDataException">A field has a value the specification does not allow.</exception>
    /// <exception cref="NotSupportedException">A valid but unsupported bit depth or interlacing.</exception>
    public static PngHeader Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length != 13)
        {
            throw new InvalidDataException($"PNG IHDR chunk has {data.Length} bytes; expected 13.");
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(data);
        var height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue)
        {
            throw new InvalidDataException($"PNG size {width}x{height} is invalid; width and height must be 1 to 2^31-1.");
        }

        var (bitDepth, colorType) = (data[8], data[9]);
        if (colorType is not (0 or 2 or 3 or 4 or 6))
        {
            throw new InvalidDataException($"PNG color type {colorType} is invalid; expected 0, 2, 3, 4 or 6.");
        }

        if (bitDepth != 8)
        {
            throw new NotSupportedException($"PNG bit depth {bitDepth} is not supported; only 8-bit PNGs can be decoded.");
        }

        if (data[10] != 0 || data[11] != 0)
        {
            throw new InvalidDataException($"PNG compression method {data[10]} / filter method {data[11]} is invalid; expected 0 / 0.");
        }

        return data[12] switch
        {
            0 => new PngHeader((int)width, (int)height, colorType),
            1 => throw new NotSupportedException("Adam7-interlaced PNGs are not supported; save the image without interlacing."),
            _ => throw new InvalidDataException($"PNG interlace method {data[12]} is invalid; expected 0 or 1."),
        };
    }
}
