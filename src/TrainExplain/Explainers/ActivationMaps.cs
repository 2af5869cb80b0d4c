using TrainExplain.Imaging;

namespace TrainExplain.Explainers;

/// <summary>A layer's activations [N, K, h, w] (the <see cref="Explanation.Raw"/>), drawn per image as a grid of K gray channel tiles.</summary>
public sealed class ActivationMaps : Explanation
{
    internal ActivationMaps(ExplanationInfo info, Tensor activations, long[] targets, float[] scores)
        : base(info, activations, targets, scores)
    {
    }

    /// <summary>One grid of channel tiles per image, each channel min-max normalized on its own.</summary>
    public override IReadOnlyList<Image> RenderImages(RenderOptions? options = null)
    {
        var o = options ?? new RenderOptions();
        var (n, k, h, w) = ((int)Raw.size(0), (int)Raw.size(1), (int)Raw.size(2), (int)Raw.size(3));
        using var scope = torch.NewDisposeScope();
        var normalized = Heatmaps.MinMax(Raw.view(n * k, h, w)).ToFloats();
        var columns = (int)Math.Ceiling(Math.Sqrt(k));
        var images = new Image[n];
        for (var i = 0; i < n; i++)
        {
            var tiles = Enumerable.Range(0, k).Select(c => Image.FromGray(normalized.AsSpan(((i * k) + c) * h * w, h * w), w, h)).ToList();
            images[i] = ImageGrid.Compose(tiles, columns, padding: 1, background: 0).UpscaleNearest(Math.Max(1, o.Upscale / 2));
        }
        return images;
    }
}
