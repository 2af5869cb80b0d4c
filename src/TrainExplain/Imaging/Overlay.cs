namespace TrainExplain.Imaging;

/// <summary>Heatmap-over-image rendering, as Grad-CAM and saliency papers show their maps.</summary>
internal static class Overlay
{
    /// <summary>
    /// Colors <paramref name="heat01"/> with <paramref name="colormap"/> and blends it over <paramref name="baseImage"/>:
    /// each output channel is <c>(1 - alpha) * base + alpha * color</c>, rounded. A gray base is replicated into
    /// R, G and B; a base alpha channel is ignored. The result is RGB and has the base image's size.
    /// </summary>
    /// <param name="baseImage">The input the heatmap explains (any channel count).</param>
    /// <param name="heat01">Heat values in [0, 1] (clamped), row-major, one per base pixel.</param>
    /// <param name="colormap">The colormap for the heat values, e.g. <see cref="Colormap.Jet"/>.</param>
    /// <param name="alpha">Weight of the heatmap in [0, 1]: 0 gives the base image, 1 the colored heatmap.</param>
    /// <exception cref="ArgumentException">The heat value count differs from the base pixel count, or a heat value is NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is outside [0, 1] or NaN.</exception>
    public static Image Blend(Image baseImage, ReadOnlySpan<float> heat01, Colormap colormap, float alpha)
    {
        ArgumentNullException.ThrowIfNull(baseImage);
        ArgumentNullException.ThrowIfNull(colormap);
        if (!(alpha is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The heatmap weight alpha must be in [0, 1].");
        }

        var pixelCount = baseImage.Width * baseImage.Height;
        Image.RequireLength(heat01.Length, pixelCount, $"{baseImage.Width}x{baseImage.Height}", nameof(heat01));
        var rgb = baseImage.ToChannels(3).Pixels;
        var result = new byte[pixelCount * 3];
        for (var i = 0; i < pixelCount; i++)
        {
            var (r, g, b) = colormap[Colormap.EntryOf(heat01[i], i, nameof(heat01))];
            result[i * 3] = Mix(rgb[i * 3], r, alpha);
            result[(i * 3) + 1] = Mix(rgb[(i * 3) + 1], g, alpha);
            result[(i * 3) + 2] = Mix(rgb[(i * 3) + 2], b, alpha);
        }

        return new Image(baseImage.Width, baseImage.Height, 3, result);
    }

    private static byte Mix(byte under, byte over, float alpha) => (byte)(((1f - alpha) * under) + (alpha * over) + 0.5f);
}
