namespace TrainExplain.Explainers;

/// <summary>
/// A <see cref="NoiseTunnel"/>'s running sums over the noisy copies of N images, on the copies' device and in their
/// dtype: of the raw maps, the layer maps and the completeness errors, and of the squares of the first two when the
/// aggregation needs them. Detached from dispose scopes (the wrapped method's calls open their own), freed on
/// <see cref="Dispose"/>.
/// </summary>
internal sealed class NoiseSums(long images, bool squares) : IDisposable
{
    private Tensor? raw;
    private Tensor? rawSquares;
    private Tensor? layerMap;
    private Tensor? layerMapSquares;
    private Tensor? delta;

    /// <summary>The wrapped method's normalization, null before the first call.</summary>
    internal Normalization? Normalize { get; private set; }

    /// <summary>The wrapped method's passes per image.</summary>
    internal int Passes { get; private set; }

    /// <summary>Adds one call's maps of copies [M] of images <paramref name="image"/> [M].</summary>
    internal void Add(Tensor image, AttributionMaps maps)
    {
        (Normalize, Passes) = (maps.Normalize, maps.Passes);
        Into(ref raw, image, maps.Raw);
        if (squares)
        {
            Into(ref rawSquares, image, maps.Raw.square());
        }
        if (maps.LayerMap is { } map)
        {
            Into(ref layerMap, image, map);
            if (squares)
            {
                Into(ref layerMapSquares, image, map.square());
            }
        }
        if (maps.Delta is { } error)
        {
            Into(ref delta, image, error);
        }
    }

    /// <summary>The aggregate of the raw maps [N, ...] (new tensors in the current dispose scope).</summary>
    internal Tensor Raw(NoiseAggregation aggregation, int samples) => Combine(raw!, rawSquares, aggregation, samples);

    /// <summary>The aggregate of the layer maps, or null when the method made none.</summary>
    internal Tensor? LayerMap(NoiseAggregation aggregation, int samples) => layerMap is null ? null : Combine(layerMap, layerMapSquares, aggregation, samples);

    /// <summary>The mean completeness error, or null when the method gave none.</summary>
    internal Tensor? MeanDelta(int samples) => delta is null ? null : delta / samples;

    /// <summary>Adds <paramref name="values"/> [M, ...] into <paramref name="sum"/> [N, ...] at rows <paramref name="image"/>, making the sum on first use.</summary>
    private void Into(ref Tensor? sum, Tensor image, Tensor values)
    {
        sum ??= torch.zeros([images, .. values.shape[1..]], values.dtype, values.device).DetachFromDisposeScope();
        sum.index_add_(0, image, values, 1);
    }

    private static Tensor Combine(Tensor sum, Tensor? sumOfSquares, NoiseAggregation aggregation, int samples) => aggregation switch
    {
        NoiseAggregation.SmoothGrad => sum / samples,
        NoiseAggregation.SmoothGradSquared => sumOfSquares! / samples,
        _ => (sumOfSquares! / samples) - (sum / samples).square(),
    };

    /// <summary>Frees the sums.</summary>
    public void Dispose()
    {
        foreach (var sum in new[] { raw, rawSquares, layerMap, layerMapSquares, delta })
        {
            sum?.Dispose();
        }
    }
}
