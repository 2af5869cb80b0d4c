using System.Globalization;
using TrainExplain.Explainers;

namespace TrainExplain.Imaging;

/// <summary>
/// How each kind of result looks: its tiles, the meaning of their colors, and a note for a tile. The results are a
/// closed set of data records (<see cref="Explanation"/>'s constructor is the library's own), so one switch over them
/// here keeps all drawing in this room and none in the records.
/// </summary>
internal static class ExplanationPictures
{
    /// <summary>The note under the tile of an image whose saliency is flat (<see cref="Attribution.FlatMaps"/>).</summary>
    internal const string FlatNote = "flat map";

    /// <summary>The smallest side, in pixels at <see cref="RenderOptions.Upscale"/> 4, a channel map is enlarged to (a tenth of a 28x28 input at that scale fits in it).</summary>
    private const int MinMapPixels = 32;

    /// <summary>One picture per image (or per class), of the first <paramref name="count"/> only; only their values are read.</summary>
    internal static IReadOnlyList<Image> Tiles(Explanation explanation, RenderOptions options, int count) => explanation switch
    {
        Attribution attribution => Overlays(attribution, options, count),
        ActivationMaps maps => ChannelGrids(maps, options, count),
        ClassImages pictures => Synthesized(pictures, options, count),
        _ => throw Unknown(explanation),
    };

    /// <summary>What the colors of <see cref="Tiles"/> mean, for a figure's color bar.</summary>
    internal static ColorLegend Legend(Explanation explanation, RenderOptions options) => explanation switch
    {
        Attribution attribution => new(options.Palette, "0", "1", $"heat, {attribution.Normalization}"),
        ActivationMaps => new(Colormap.Gray, "min", "max", "each channel of each image on its own: black = its minimum, white = its maximum"),
        ClassImages pictures => new(Colormap.Gray, pictures.Low.ToString("G3", CultureInfo.InvariantCulture), pictures.High.ToString("G3", CultureInfo.InvariantCulture),
            "the synthesized pixels over the model's input range"),
        _ => throw Unknown(explanation),
    };

    /// <summary>A short note for the tile of picture <paramref name="index"/> (<c>flat map</c> for an attribution's flat saliency), or null for none.</summary>
    internal static string? Note(Explanation explanation, int index) =>
        explanation is Attribution attribution && attribution.FlatMaps[index] ? FlatNote : null;

    /// <summary>
    /// Each heatmap blended over its input: de-normalized by <see cref="RenderOptions.InputPreprocessing"/> where given,
    /// then clamped to [0, 1].
    /// </summary>
    private static Image[] Overlays(Attribution attribution, RenderOptions options, int n)
    {
        using var scope = torch.NewDisposeScope();
        var given = attribution.Inputs.narrow(0, 0, n);
        var inputs = options.InputPreprocessing?.Denormalize(given) ?? given;
        var (c, h, w) = ((int)inputs.size(1), (int)inputs.size(2), (int)inputs.size(3));
        var pixels = inputs.ToFloats();
        var heat = attribution.Heatmaps.narrow(0, 0, n).ToFloats();
        var images = new Image[n];
        for (var i = 0; i < n; i++)
        {
            var input = Image.FromPlanar(pixels.AsSpan(i * c * h * w, c * h * w), c, h, w);
            images[i] = Overlay.Blend(input, heat.AsSpan(i * h * w, h * w), options.Palette, options.Alpha).UpscaleNearest(options.Upscale);
        }
        return images;
    }

    /// <summary>
    /// One grid of channel tiles per image, channel 0 top left, row-major, <see cref="ActivationMaps.ChannelColumns"/>
    /// per row, each channel min-max normalized on its own and enlarged (nearest neighbour) to at least 8 x
    /// <see cref="RenderOptions.Upscale"/> pixels a side.
    /// </summary>
    private static Image[] ChannelGrids(ActivationMaps maps, RenderOptions options, int n)
    {
        using var scope = torch.NewDisposeScope();
        var raw = maps.Raw.narrow(0, 0, n);
        var (k, h, w) = ((int)raw.size(1), (int)raw.size(2), (int)raw.size(3));
        var normalized = Heatmaps.MinMax(raw.view(n * k, h, w)).ToFloats();
        var enlarge = Math.Max(1, (int)Math.Ceiling(MinMapPixels * options.Upscale / 4.0 / Math.Max(h, w)));
        var images = new Image[n];
        for (var i = 0; i < n; i++)
        {
            var tiles = Enumerable.Range(0, k).Select(c => Image.FromGray(normalized.AsSpan(((i * k) + c) * h * w, h * w), w, h).UpscaleNearest(enlarge)).ToList();
            // Dark gray between channels, so black maps stay apart.
            images[i] = ImageGrid.Compose(tiles, maps.ChannelColumns, padding: 1, background: 64);
        }
        return images;
    }

    /// <summary>Each image mapped from the input range to [0, 1].</summary>
    private static Image[] Synthesized(ClassImages pictures, RenderOptions options, int m)
    {
        using var scope = torch.NewDisposeScope();
        var raw = pictures.Raw.narrow(0, 0, m);
        var (c, h, w) = ((int)raw.size(1), (int)raw.size(2), (int)raw.size(3));
        var (low, high) = (pictures.Low, pictures.High);
        var values = raw.ToFloats().Select(v => (float)((v - low) / (high - low))).ToArray();
        return [.. Enumerable.Range(0, m).Select(i => Image.FromPlanar(values.AsSpan(i * c * h * w, c * h * w), c, h, w).UpscaleNearest(options.Upscale))];
    }

    private static NotSupportedException Unknown(Explanation explanation) =>
        new($"No drawing is known for {explanation.GetType().Name}; the library draws {nameof(Attribution)}, {nameof(ActivationMaps)} and {nameof(ClassImages)}.");
}
