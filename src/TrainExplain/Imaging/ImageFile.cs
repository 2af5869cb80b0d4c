using System.Buffers;
using SkiaSharp;

namespace TrainExplain.Imaging;

/// <summary>
/// Reads PNG, JPEG, WebP, BMP and GIF images through Skia's codecs (libpng, libjpeg-turbo, libwebp, Skia's own BMP and
/// GIF readers; a GIF's first frame). Gray images (and BMPs and GIFs whose every pixel is gray, as they have no gray type)
/// become 1-channel images, gray+alpha PNGs 2-channel, opaque color
/// images RGB and images with transparency (an alpha channel, a tRNS chunk, a GIF's transparent color) RGBA; samples are
/// 8-bit (a 16-bit PNG sample keeps its high byte, as libpng strips it), and no color profile or gamma is applied. A
/// JPEG's EXIF orientation (all eight, TIFF tag 274) is applied, so the pixels come out as a viewer shows the photo, as
/// PIL's <c>ImageOps.exif_transpose</c> does. The size in the header is checked against <see cref="MaxPixels"/> before
/// any pixel is allocated.
/// </summary>
public static class ImageFile
{
    /// <summary>The most bytes <see cref="Load"/> reads by default (64 MiB, a 4096x4096 RGBA image stored uncompressed).</summary>
    public const long DefaultMaxFileBytes = 64L << 20;

    /// <summary>The most pixels <see cref="Decode"/>, <see cref="Load"/> and <see cref="ReadSize"/> accept (8192x8192), so a small file that declares a huge size cannot allocate gigabytes.</summary>
    public const long MaxPixels = 8192L * 8192;

    /// <summary>What the files read here are, for messages.</summary>
    private const string Expected = "a PNG, JPEG, WebP, BMP or GIF file";

    /// <summary>The bytes a signature check reads: the PNG signature's length, which covers the starts of the other formats.</summary>
    private const int SignatureBytes = 8;

    /// <summary>The IEND chunk, which ends every complete PNG: length 0, type, CRC.</summary>
    private static ReadOnlySpan<byte> PngEnd => [0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82];

    /// <summary>Decodes a PNG, JPEG, WebP, BMP or GIF file (its first frame) held in memory, EXIF orientation applied.</summary>
    /// <exception cref="InvalidDataException">
    /// The bytes are none of these formats, are truncated or corrupt, or declare more than <see cref="MaxPixels"/> pixels.
    /// </exception>
    public static Image Decode(ReadOnlySpan<byte> encoded)
    {
        RequireSignature(encoded);
        using var data = SKData.CreateCopy(encoded);
        using var codec = Open(SKCodec.Create(new SKMemoryStream(data), out var result), result);
        // libpng stops reading after the last row, so a PNG cut off after its image data would still decode.
        if (codec.EncodedFormat == SKEncodedImageFormat.Png && encoded.LastIndexOf(PngEnd) < 0)
        {
            throw new InvalidDataException("PNG is truncated: it ends before its IEND chunk.");
        }

        // Skia reads gray+alpha as RGBA; the IHDR color type (byte 25, after the signature and IHDR's length, type,
        // width, height and bit depth) says the PNG had two channels.
        var grayAlpha = codec.EncodedFormat == SKEncodedImageFormat.Png && encoded[25] == 4;
        return Pixels(codec, grayAlpha);
    }

    /// <summary>
    /// Reads and decodes the image file at <paramref name="path"/>. The signature is checked before anything else is read,
    /// and no more than <paramref name="maxFileBytes"/> are read; every error names the file.
    /// </summary>
    /// <exception cref="IOException">The path is a folder or cannot be opened.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a valid PNG, JPEG, WebP, BMP or GIF file, is larger than <paramref name="maxFileBytes"/> or declares more than
    /// <see cref="MaxPixels"/> pixels.
    /// </exception>
    public static Image Load(string path, long maxFileBytes = DefaultMaxFileBytes)
    {
        using var file = InputFiles.OpenRead(path, Expected);
        try
        {
            var signature = new byte[SignatureBytes];
            var read = file.ReadAtLeast(signature, signature.Length, throwOnEndOfStream: false);
            RequireSignature(signature.AsSpan(0, read));
            var rest = InputFiles.ReadAtMost(file, path, Expected, maxFileBytes - signature.Length);
            return Decode([.. signature, .. rest]);
        }
        catch (InvalidDataException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The width and height in the header of the image file at <paramref name="path"/>, read without decoding any pixel,
    /// so an image of the wrong size is refused before its pixels are read; a JPEG's EXIF orientation is applied (a
    /// quarter turn swaps them), as <see cref="Load"/> does. A PNG, JPEG, BMP or GIF is read up to its header; a WebP file
    /// is read whole (Skia's WebP reader needs all of it), but its pixels are not decoded.
    /// </summary>
    /// <exception cref="IOException">The path is a folder or cannot be opened.</exception>
    /// <exception cref="InvalidDataException">
    /// The file does not start with the header of a PNG, JPEG, WebP, BMP or GIF image, or declares more than <see cref="MaxPixels"/> pixels.
    /// </exception>
    public static (int Width, int Height) ReadSize(string path)
    {
        using var file = InputFiles.OpenRead(path, Expected);
        try
        {
            using var codec = Open(SKCodec.Create(file, out var result), result);
            return Orientation.Turns(codec.EncodedOrigin) ? (codec.Info.Height, codec.Info.Width) : (codec.Info.Width, codec.Info.Height);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static void RequireSignature(ReadOnlySpan<byte> start)
    {
        ReadOnlySpan<byte> png = [137, 80, 78, 71, 13, 10, 26, 10];
        if (!start.StartsWith(png) && !start.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) && !start.StartsWith("RIFF"u8)
            && !start.StartsWith("BM"u8) && !start.StartsWith("GIF87a"u8) && !start.StartsWith("GIF89a"u8))
        {
            throw NotAnImage();
        }
    }

    private static InvalidDataException NotAnImage() => new($"Not {Expected}: it starts with none of their signatures.");

    /// <summary>The codec Skia made, checked to be one of the formats read here and not larger than <see cref="MaxPixels"/>.</summary>
    private static SKCodec Open(SKCodec? codec, SKCodecResult result)
    {
        if (codec is null)
        {
            throw result == SKCodecResult.Unimplemented
                ? NotAnImage()
                : new InvalidDataException($"The image is truncated or corrupt: its header cannot be read (Skia: {result}).");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (!IsRead(codec.EncodedFormat) || (long)width * height > MaxPixels)
        {
            var format = codec.EncodedFormat;
            codec.Dispose();
            throw IsRead(format)
                ? new InvalidDataException($"{Name(format)} of {width}x{height} pixels is larger than the {MaxPixels} pixels this decoder reads.")
                : NotAnImage();
        }

        return codec;
    }

    private static unsafe Image Pixels(SKCodec codec, bool grayAlpha)
    {
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var gray = codec.Info.ColorType == SKColorType.Gray8;
        var channels = gray ? 1 : grayAlpha ? 2 : codec.Info.AlphaType == SKAlphaType.Opaque ? 3 : 4;
        var info = new SKImageInfo(width, height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, gray ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        var pixels = new byte[Image.ByteCount(width, height, channels)];
        // Skia decodes gray or RGBA; RGB and gray+alpha are narrowed from a pooled RGBA buffer (see ImagePixmap).
        var decoded = channels is 2 or 3 ? ArrayPool<byte>.Shared.Rent(info.BytesSize) : pixels;
        try
        {
            SKCodecResult result;
            fixed (byte* target = decoded)
            {
                result = codec.GetPixels(info, (IntPtr)target);
            }

            if (result != SKCodecResult.Success)
            {
                var problem = result == SKCodecResult.IncompleteInput ? "truncated: its image data ends early" : "corrupt";
                throw new InvalidDataException($"{Name(codec.EncodedFormat)} image data is {problem} (Skia: {result}).");
            }

            if (decoded != pixels)
            {
                Image.ConvertChannels(decoded.AsSpan(0, info.BytesSize), 4, pixels, channels);
            }

            var image = new Image(width, height, channels, pixels);
            // BMP and GIF have no gray type, only palettes: a picture whose every pixel is gray is read as gray, as PNG's
            // and JPEG's gray types are (PIL reads a gray-palette BMP as gray too).
            if (channels == 3 && codec.EncodedFormat is SKEncodedImageFormat.Bmp or SKEncodedImageFormat.Gif && AllGray(pixels))
            {
                image = image.ToChannels(1);
            }
            return Orientation.Apply(image, codec.EncodedOrigin);
        }
        finally
        {
            if (decoded != pixels)
            {
                ArrayPool<byte>.Shared.Return(decoded);
            }
        }
    }

    private static bool AllGray(ReadOnlySpan<byte> rgb)
    {
        for (var i = 0; i < rgb.Length; i += 3)
        {
            if (rgb[i] != rgb[i + 1] || rgb[i] != rgb[i + 2])
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsRead(SKEncodedImageFormat format) =>
        format is SKEncodedImageFormat.Png or SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Webp or SKEncodedImageFormat.Bmp or SKEncodedImageFormat.Gif;

    private static string Name(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Png => "PNG",
        SKEncodedImageFormat.Jpeg => "JPEG",
        SKEncodedImageFormat.Bmp => "BMP",
        SKEncodedImageFormat.Gif => "GIF",
        _ => "WebP",
    };
}
