
namespace TrainExplain.Explainers;

/// <summary>The reductions and per-image normalizations of METHODS.md (never over the whole batch, unlike tf-explain).</summary>
public static class Heatmaps
{
    /// <summary>m = sum over C of |raw|: [N, C, H, W] to [N, H, W].</summary>
    public static Tensor ChannelReduction(Tensor raw) => raw.abs().sum(1);

    /// <summary>
    /// clamp(m / q, 0, 1) with q the 99th percentile of each image's m (its max when q is 0; all zeros when both are 0).
    /// NaN and infinite values (a diverged model) count as 0.
    /// </summary>
    public static Tensor Percentile(Tensor maps)
    {
        using var scope = torch.NewDisposeScope();
        var flat = FiniteOrZero(maps.flatten(1));
        // TorchSharp has no quantile(double): a bare 0.99 becomes a float64 tensor, which libtorch refuses for float32 maps.
        var q = flat.quantile(torch.tensor(0.99, flat.dtype, flat.device), dim: 1, keepdim: true);
        var max = flat.amax([1], keepdim: true);
        var scale = torch.where(q > 0, q, max);
        var safe = torch.where(scale > 0, scale, torch.ones_like(scale));
        var heat = (flat / safe).clamp(0, 1) * (scale > 0).to(maps.dtype);
        return heat.view(maps.shape).MoveToOuterDisposeScope();
    }

    /// <summary>(m - min) / (max - min) per image; all zeros where max == min. NaN and infinite values count as 0.</summary>
    public static Tensor MinMax(Tensor maps)
    {
        using var scope = torch.NewDisposeScope();
        var flat = FiniteOrZero(maps.flatten(1));
        var min = flat.amin([1], keepdim: true);
        var range = flat.amax([1], keepdim: true) - min;
        var safe = torch.where(range > 0, range, torch.ones_like(range));
        var heat = (flat - min) / safe * (range > 0).to(maps.dtype);
        return heat.view(maps.shape).MoveToOuterDisposeScope();
    }

    /// <summary>Bilinear resize (align_corners = false) of [N, h, w] maps to H x W.</summary>
    public static Tensor Upsample(Tensor maps, long height, long width)
    {
        using var scope = torch.NewDisposeScope();
        // TorchSharp's interpolate defaults to nearest: say bilinear, as METHODS.md does.
        var resized = torch.nn.functional.interpolate(maps.unsqueeze(1), [height, width], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
        return resized.MoveToOuterDisposeScope();
    }

    /// <summary>The values with NaN and infinities set to 0, so a diverged model's maps still draw (the caller reports them).</summary>
    private static Tensor FiniteOrZero(Tensor values) => torch.where(values.isfinite(), values, torch.zeros_like(values));
}
