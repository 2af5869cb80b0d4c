using SkiaSharp;

namespace TrainExplain.Imaging;

/// <summary>
/// EXIF orientation (TIFF tag 274, values 1 to 8; CIPA DC-008 "Exif 2.32", section 4.6.4): how the stored pixels turn
/// into the picture a viewer shows. Skia reports it (<see cref="SKCodec.EncodedOrigin"/>) but decodes the pixels as
/// stored, so they are turned here.
/// </summary>
internal static class Orientation
{
    /// <summary>Whether <paramref name="origin"/> is a quarter turn or a transposition, which swaps width and height (values 5 to 8).</summary>
    internal static bool Turns(SKEncodedOrigin origin) => origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
        or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary><paramref name="stored"/> as shown for <paramref name="origin"/>; the same instance for value 1 (top-left, as stored).</summary>
    internal static Image Apply(Image stored, SKEncodedOrigin origin)
    {
        if (origin == SKEncodedOrigin.TopLeft)
        {
            return stored;
        }
        var (w, h, channels) = (stored.Width, stored.Height, stored.Channels);
        var (width, height) = Turns(origin) ? (h, w) : (w, h);
        var source = stored.Pixels;
        var target = new byte[source.Length];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                // The stored pixel shown at (x, y): the origin names where the stored first row and column end up.
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (w - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, h - 1 - x),
                    SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
                    SKEncodedOrigin.LeftBottom => (w - 1 - y, x),
                    _ => throw new InvalidDataException($"The EXIF orientation {(int)origin} is not one of 1 to 8."),
                };
                source.AsSpan(((sy * w) + sx) * channels, channels).CopyTo(target.AsSpan(((y * width) + x) * channels));
            }
        }
        return new Image(width, height, channels, target);
    }
}
