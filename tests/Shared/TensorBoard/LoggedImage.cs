using TrainExplain.Imaging;

namespace TrainExplain.Testing;

/// <summary>An image read from an event file: its stated size and its encoded bytes (PNG for images written here).</summary>
/// <param name="Width">The width stated in the event.</param>
/// <param name="Height">The height stated in the event.</param>
/// <param name="Encoded">The encoded image bytes.</param>
internal sealed record LoggedImage(int Width, int Height, byte[] Encoded)
{
    /// <summary>Decodes <see cref="Encoded"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid PNG, JPEG or WebP image.</exception>
    public Image Decode() => ImageFile.Decode(Encoded);
}
