using System.Buffers;
using SkiaSharp;

namespace TrainExplain.Imaging;

/// <summary>
/// Reads PNG, JPEG and WebP images through Skia's codecs (libpng, libjpeg-turbo, libwebp). Gray images become 1-channel
/// images, gray+alpha PNGs 2-channel, opaque color images RGB and images with transparency (an alpha channel, or a tRNS
/// chunk) RGBA; samples are 8-bit (a 16-bit PNG sample keeps its high byte, as libpng strips it), and no color profile or gamma is applied. A JPEG's EXIF
/// orientation is not applied either: the pixels are read as stored. The size in the header is checked against
/// <see cref="MaxPixels"/> before any pixel is allocated.
/// </summary>
public static class ImageFile
{
    /// <summary>The most bytes <see cref="Load"/> reads by default (64 MiB, a 4096x4096 RGBA image stored uncompressed).</summary>
    public const long DefaultMaxFileBytes = 64L << 20;

    /// <summary>The most pixels <see cref="Decode"/>, <see cref="Load"/> and <see cref="ReadSize"/> accept (8192x8192), so a small file that declares a huge size cannot allocate gigabytes.</summary>
    public const long MaxPixels = 8192L * 8192;

    /// <summary>What the files read here are, for messages.</summary>
    private const string Expected = "a PNG, JPEG or WebP file";

    /// <summary>The bytes a signature check reads: the PNG signature's length, which covers JPEG's and WebP's RIFF start.</summary>
    private const int SignatureBytes = 8;

    /// <summary>The IEND chunk, which ends every complete PNG: length 0, type, CRC.</summary>
    private static ReadOnlySpan<byte> PngEnd => [0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82];

    /// <summary>Decodes a PNG, JPEG or WebP file held in memory.</summary>
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
    /// The file is not a valid PNG, JPEG or WebP file, is larger than <paramref name="maxFileBytes"/> or declares more than
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
    /// so an image of the wrong size is refused before its pixels are read. A PNG or JPEG is read up to its header; a WebP
    /// file is read whole (Skia's WebP reader needs all of it), but its pixels are not decoded.
    /// </summary>
    /// <exception cref="IOException">The path is a folder or cannot be opened.</exception>
    /// <exception cref="InvalidDataException">
    /// The file does not start with the header of a PNG, JPEG or WebP image, or declares more than <see cref="MaxPixels"/> pixels.
    /// </exception>
    public static (int Width, int Height) ReadSize(string path)
    {
        using var file = InputFiles.OpenRead(path, Expected);
        try
        {
            using var codec = Open(SKCodec.Create(file, out var result), result);
            return (codec.Info.Width, codec.Info.Height);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static void RequireSignature(ReadOnlySpan<byte> start)
    {
        ReadOnlySpan<byte> png = [137, 80, 78, 71, 13, 10, 26, 10];
        if (!start.StartsWith(png) && !start.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) && !start.StartsWith("RIFF"u8))
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
        if (codec.EncodedFormat is not (SKEncodedImageFormat.Png or SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Webp)
            || (long)width * height > MaxPixels)
        {
            var format = codec.EncodedFormat;
            codec.Dispose();
            throw format is SKEncodedImageFormat.Png or SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Webp
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

            return new Image(width, height, channels, pixels);
        }
        finally
        {
            if (decoded != pixels)
            {
                ArrayPool<byte>.Shared.Return(decoded);
            }
        }
    }

    private static string Name(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Png => "PNG",
        SKEncodedImageFormat.Jpeg => "JPEG",
        _ => "WebP",
    };
}
