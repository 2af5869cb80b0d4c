using System.Globalization;
using TrainExplain.Imaging;

namespace TrainExplain.Explainers;

/// <summary>A layer's activations [N, K, h, w] (the <see cref="Explanation.Raw"/>), drawn per image as a grid of K gray channel tiles.</summary>
public sealed class ActivationMaps : Explanation
{
    /// <summary>The smallest side, in pixels at <see cref="RenderOptions.Upscale"/> 4, a channel map is enlarged to (a tenth of a 28x28 input at that scale fits in it).</summary>
    private const int MinMapPixels = 32;

    internal ActivationMaps(ExplanationInfo info, string layer, Tensor activations, long[] targets, float[] scores)
        : base(info, activations, targets, scores) => Layer = layer;

    /// <summary>The dotted name of the layer whose activations these are.</summary>
    public string Layer { get; }

    /// <summary>The channels per row of each image's grid: ceil(sqrt(K)).</summary>
    public int ChannelColumns => (int)Math.Ceiling(Math.Sqrt(Raw.size(1)));

    /// <inheritdoc />
    protected override string? Layout => string.Create(CultureInfo.InvariantCulture,
        $"layer {Layer}: {Raw.size(1)} channels of {Raw.size(2)}x{Raw.size(3)} per image, channel c at row c / {ChannelColumns}, column c % {ChannelColumns}");

    /// <summary>
    /// One grid of channel tiles per image, channel 0 top left, row-major, <see cref="ChannelColumns"/> per row, each
    /// channel min-max normalized on its own and enlarged (nearest neighbour) to at least 8 x <see cref="RenderOptions.Upscale"/> pixels a side.
    /// </summary>
    public override IReadOnlyList<Image> RenderImages(RenderOptions? options = null)
    {
        var o = options ?? new RenderOptions();
        var (n, k, h, w) = ((int)Raw.size(0), (int)Raw.size(1), (int)Raw.size(2), (int)Raw.size(3));
        using var scope = torch.NewDisposeScope();
        var normalized = Heatmaps.MinMax(Raw.view(n * k, h, w)).ToFloats();
        var enlarge = Math.Max(1, (int)Math.Ceiling(MinMapPixels * o.Upscale / 4.0 / Math.Max(h, w)));
        var images = new Image[n];
        for (var i = 0; i < n; i++)
        {
            var tiles = Enumerable.Range(0, k).Select(c => Image.FromGray(normalized.AsSpan(((i * k) + c) * h * w, h * w), w, h).UpscaleNearest(enlarge)).ToList();
            // Dark gray between channels, so black maps stay apart.
            images[i] = ImageGrid.Compose(tiles, ChannelColumns, padding: 1, background: 64);
        }
        return images;
    }

    /// <summary>Gray from each channel's minimum (black) to its maximum (white).</summary>
    public override ColorLegend Legend(RenderOptions? options = null) => new(Colormap.Gray, "min", "max", "each channel of each image on its own: black = its minimum, white = its maximum");
}
