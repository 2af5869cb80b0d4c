using System.IO.Compression;

namespace TrainExplain.Imaging;

/// <summary>
/// An image already encoded as PNG, with its size and channel count: encode once with <see cref="Encode"/>, then log it
/// (<c>TensorBoardWriter.AddImage</c>) and save it (<see cref="Png.Save(EncodedImage, string)"/>) without encoding again.
/// Immutable: the PNG bytes are shared, never copied, by everything that writes them.
/// </summary>
internal sealed class EncodedImage
{
    private readonly byte[] png;

    private EncodedImage(int width, int height, int channels, byte[] png)
    {
        Width = width;
        Height = height;
        Channels = channels;
        this.png = png;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Channels of the encoded pixels: 1 gray, 3 RGB, 4 RGBA (TensorBoard's colorspace); a gray+alpha image is encoded as RGBA.</summary>
    public int Channels { get; }

    /// <summary>The PNG file's bytes, signature first.</summary>
    public ReadOnlyMemory<byte> PngBytes => this.png;

    /// <summary>Encodes <paramref name="image"/> as PNG, as <see cref="Png.Encode"/> does.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    public static EncodedImage Encode(Image image, CompressionLevel compression = CompressionLevel.Fastest)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new(image.Width, image.Height, image.Channels == 2 ? 4 : image.Channels, Png.Encode(image, compression));
    }

    /// <inheritdoc />
    public override string ToString() => $"PNG {Width}x{Height}x{Channels}, {this.png.Length} bytes";
}
