using TrainExplain.TensorBoard.Proto;

namespace TrainExplain.TensorBoard;

/// <summary>
/// The histogram of a tensor's finite values, computed on the tensor's device in float64 with
/// <see cref="HistogramBuilder"/>'s bucket rule. Two small copies come to the host: min and max first (which tell
/// whether every value is finite, as NaN and infinities reach them), then min, max, the sums and the bucket counts
/// (bins + 4 numbers). Non-finite values are counted and left out.
/// </summary>
internal static class TensorHistogram
{
    // Layout of the final host copy: these statistics, then the bucket counts.
    private const int MinIndex = 0;
    private const int MaxIndex = 1;
    private const int SumIndex = 2;
    private const int SumSquaresIndex = 3;
    private const int Statistics = 4;

    /// <summary>
    /// The histogram of the finite values of <paramref name="values"/> (null when none is finite, or the tensor is
    /// empty) and how many values were NaN or infinite.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor holds complex numbers.</exception>
    public static (HistogramProto? Histogram, long NotFinite) Build(Tensor values, int bins)
    {
        if (values.is_complex())
        {
            throw new ArgumentException($"A histogram needs real values, but the tensor is {values.dtype}.", nameof(values));
        }

        if (values.numel() == 0)
        {
            return (null, 0);
        }

        using var scope = torch.NewDisposeScope();
        var flat = Float64Values(values);
        var (finite, notFinite) = AllFinite(flat) ? (flat, 0) : FiniteOnly(flat);
        if (finite is null)
        {
            return (null, notFinite);
        }

        // A float64 input is viewed, not copied: only a copy may be overwritten with bucket positions.
        var count = finite.numel();
        var host = Summarize(finite, overwrite: !ReferenceEquals(finite, flat) || values.dtype != ScalarType.Float64, bins);
        var histogram = new HistogramProto
        {
            Min = host[MinIndex],
            Max = host[MaxIndex],
            Num = count,
            Sum = host[SumIndex],
            SumSquares = host[SumSquaresIndex],
        };
        HistogramBuilder.AddBuckets(histogram, host.AsSpan(Statistics, bins));
        return (histogram, notFinite);
    }

    /// <summary>The values as a flat float64 tensor on their device (a view of the input where it already is one).</summary>
    private static Tensor Float64Values(Tensor values)
    {
        using var detached = values.detach();
        using var flat = detached.reshape(-1);
        return flat.to(ScalarType.Float64);
    }

    /// <summary>Whether every value is finite: NaN and infinities reach the min or the max, so two numbers tell.</summary>
    private static bool AllFinite(Tensor flat)
    {
        var (min, max) = flat.aminmax();
        using (min)
        using (max)
        using (var bounds = torch.stack([min, max]))
        using (var host = bounds.cpu())
        {
            return host.data<double>().ToArray().All(double.IsFinite);
        }
    }

    /// <summary>The finite values (a copy), or null when there are none; and how many values were not finite.</summary>
    private static (Tensor? Finite, long NotFinite) FiniteOnly(Tensor flat)
    {
        using var isFinite = flat.isfinite();
        using var finiteCount = isFinite.sum();
        var notFinite = flat.numel() - finiteCount.item<long>();
        return (notFinite == flat.numel() ? null : flat.masked_select(isFinite), notFinite);
    }

    /// <summary>[min, max, sum, sum of squares, bins bucket counts...] of finite values, copied to the host at once.</summary>
    private static double[] Summarize(Tensor finite, bool overwrite, int bins)
    {
        var (min, max) = finite.aminmax();
        var sum = finite.sum();
        var sumSquares = finite.dot(finite);
        var counts = BucketCounts(overwrite ? finite : finite.clone(), min, max, bins);
        return torch.cat([torch.stack([min, max, sum, sumSquares]), counts.to(ScalarType.Float64)])
            .cpu().data<double>().ToArray();
    }

    /// <summary>
    /// The count of each bucket by <see cref="HistogramBuilder"/>'s rule. Overwrites <paramref name="finite"/> with
    /// the bucket positions and frees it.
    /// </summary>
    private static Tensor BucketCounts(Tensor finite, Tensor min, Tensor max, int bins)
    {
        // Width and positions are divided by device tensors: CUDA computes a division by a host scalar as a
        // multiplication by its reciprocal, which can differ from the host's division in the last bit. Constant values
        // get width 1 so that nothing divides by zero; their single bucket is made on the host.
        var width = torch.where(max.gt(min), (max - min).div_(torch.tensor((double)bins, ScalarType.Float64, finite.device)), torch.ones_like(max));
        using (finite)
        using (var lowest = 0.0.ToScalar())
        using (var highest = ((double)bins - 1).ToScalar())
        {
            using var positions = finite.sub_(min).div_(width).clamp_(lowest, highest).to(ScalarType.Int64);
            return positions.bincount(null, bins);
        }
    }
}
