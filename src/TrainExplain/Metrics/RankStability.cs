namespace TrainExplain.Metrics;

/// <summary>
/// How settled explanations are across epochs: for each image, Spearman's rank correlation (average ranks for ties)
/// between its saliency map at one explained epoch and at the previous one, over the H x W pixels; the stability is the
/// mean over images, leaving out an image whose map is constant at either epoch (its correlation is undefined). High
/// values mean the explanation has settled; a drop marks a change in what the model relies on.
/// </summary>
internal static class RankStability
{
    /// <summary>The per-image correlations of two batches of maps, each [N, H, W] flattened to N rows of <paramref name="pixels"/> values (NaN for a constant map).</summary>
    public static double[] PerImage(ReadOnlySpan<float> previous, ReadOnlySpan<float> current, int pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pixels);
        if (previous.Length != current.Length || previous.Length % pixels != 0)
        {
            throw new ArgumentException($"Both batches must hold N x {pixels} values; got {previous.Length} and {current.Length}.");
        }
        var correlations = new double[previous.Length / pixels];
        for (var i = 0; i < correlations.Length; i++)
        {
            correlations[i] = Spearman(previous.Slice(i * pixels, pixels), current.Slice(i * pixels, pixels));
        }
        return correlations;
    }

    /// <summary>The mean of the defined per-image correlations, or NaN when no image has a defined one.</summary>
    public static double Mean(IReadOnlyList<double> perImage)
    {
        ArgumentNullException.ThrowIfNull(perImage);
        var defined = perImage.Where(double.IsFinite).ToList();
        return defined.Count == 0 ? double.NaN : defined.Average();
    }

    /// <summary>Spearman's rho: the Pearson correlation of the average ranks of <paramref name="a"/> and <paramref name="b"/>; NaN when either is constant.</summary>
    public static double Spearman(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.Length < 2)
        {
            throw new ArgumentException($"Spearman's rho needs two series of the same length, at least 2; got {a.Length} and {b.Length}.");
        }
        return Pearson(AverageRanks(a), AverageRanks(b));
    }

    /// <summary>1-based ranks, tied values sharing the mean of the ranks they span.</summary>
    internal static double[] AverageRanks(ReadOnlySpan<float> values)
    {
        var order = new int[values.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        var keys = values.ToArray();
        Array.Sort(keys, order);
        var ranks = new double[values.Length];
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && keys[end] == keys[start])
            {
                end++;
            }
            var shared = (start + 1 + end) / 2.0;   // mean of ranks start+1 .. end
            for (var i = start; i < end; i++)
            {
                ranks[order[i]] = shared;
            }
            start = end;
        }
        return ranks;
    }

    private static double Pearson(double[] x, double[] y)
    {
        var (meanX, meanY) = (x.Average(), y.Average());
        double covariance = 0, varianceX = 0, varianceY = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var (dx, dy) = (x[i] - meanX, y[i] - meanY);
            covariance += dx * dy;
            varianceX += dx * dx;
            varianceY += dy * dy;
        }
        return varianceX == 0 || varianceY == 0 ? double.NaN : covariance / Math.Sqrt(varianceX * varianceY);
    }
}
