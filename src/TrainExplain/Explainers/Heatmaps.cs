
namespace TrainExplain.Explainers;

/// <summary>The reductions and per-image normalizations of METHODS.md (never over the whole batch, unlike tf-explain).</summary>
public static class Heatmaps
{
    /// <summary>A map is flat when its range is at most this fraction of its largest magnitude (METHODS.md, Conventions).</summary>
    internal const double FlatTolerance = 1e-6;

    /// <summary>m = sum over C of |raw|: [N, C, H, W] to [N, H, W].</summary>
    public static Tensor ChannelReduction(Tensor raw) => raw.abs().sum(1);

    /// <summary>
    /// clamp(m / q, 0, 1) with q the 99th percentile of each image's m (its max when q is 0); all zeros when both are 0
    /// and for a flat map (<see cref="IsFlat"/>). NaN and infinite values (a diverged model) count as 0.
    /// </summary>
    public static Tensor Percentile(Tensor maps)
    {
        using var scope = torch.NewDisposeScope();
        var values = FiniteOrZero(maps.flatten(1));
        // TorchSharp has no quantile(double): a bare 0.99 becomes a float64 tensor, which libtorch refuses for float32 maps.
        var q = values.quantile(torch.tensor(0.99, values.dtype, values.device), dim: 1, keepdim: true);
        var (min, max) = (values.amin([1], keepdim: true), values.amax([1], keepdim: true));
        var scale = torch.where(q > 0, q, max);
        var shown = (scale > 0).logical_and(Flat(min, max).logical_not());
        var safe = torch.where(shown, scale, torch.ones_like(scale));
        var heat = (values / safe).clamp(0, 1) * shown.to(maps.dtype);
        return heat.view(maps.shape).MoveToOuterDisposeScope();
    }

    /// <summary>(m - min) / (max - min) per image; all zeros for a flat map (<see cref="IsFlat"/>). NaN and infinite values count as 0.</summary>
    public static Tensor MinMax(Tensor maps)
    {
        using var scope = torch.NewDisposeScope();
        var values = FiniteOrZero(maps.flatten(1));
        var (min, max) = (values.amin([1], keepdim: true), values.amax([1], keepdim: true));
        // A map that is not flat has max - min > 0.
        var shown = Flat(min, max).logical_not();
        var safe = torch.where(shown, max - min, torch.ones_like(min));
        var heat = (values - min) / safe * shown.to(maps.dtype);
        return heat.view(maps.shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Whether each map [N, ...] is flat (METHODS.md, Conventions): its range max - min is at most 1e-6 of its largest
    /// magnitude max |m|, so it holds no more than float rounding; every constant map is flat, the all-zero map too.
    /// NaN and infinite values count as 0, as in the normalizations, which draw a flat map as all zeros.
    /// </summary>
    /// <param name="maps">The maps, one per image along the first dimension, on any device.</param>
    /// <returns>A bool tensor [N] on the maps' device.</returns>
    public static Tensor IsFlat(Tensor maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        using var scope = torch.NewDisposeScope();
        var values = FiniteOrZero(maps.flatten(1));
        return Flat(values.amin([1]), values.amax([1])).MoveToOuterDisposeScope();
    }

    /// <summary>Bilinear resize (align_corners = false) of [N, h, w] maps to H x W.</summary>
    public static Tensor Upsample(Tensor maps, long height, long width)
    {
        using var scope = torch.NewDisposeScope();
        // TorchSharp's interpolate defaults to nearest: say bilinear, as METHODS.md does.
        var resized = torch.nn.functional.interpolate(maps.unsqueeze(1), [height, width], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
        return resized.MoveToOuterDisposeScope();
    }

    /// <summary>The flat test of <see cref="IsFlat"/> from each map's minimum and maximum (finite): max - min &lt;= 1e-6 max(|min|, |max|).</summary>
    private static Tensor Flat(Tensor min, Tensor max) => (max - min) <= torch.maximum(min.abs(), max.abs()) * FlatTolerance;

    /// <summary>The values with NaN and infinities set to 0, so a diverged model's maps still draw (the caller reports them).</summary>
    private static Tensor FiniteOrZero(Tensor values) => torch.where(values.isfinite(), values, torch.zeros_like(values));
}
