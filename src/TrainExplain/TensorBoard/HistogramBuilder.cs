using TrainExplain.TensorBoard.Proto;

namespace TrainExplain.TensorBoard;

/// <summary>
/// Builds TensorBoard's legacy <c>HistogramProto</c> with equal-width buckets over [min, max] of the values
/// (as <c>numpy.histogram(values, bins)</c>, which PyTorch's <c>add_histogram</c> uses for integer bins).
/// Constant values make a single bucket whose right edge is the value.
/// </summary>
/// <remarks>
/// The bucket rule, shared with <see cref="TensorHistogram"/>, in float64: <c>width = (max - min) / bins</c>; value v
/// goes to bucket <c>min((long)((v - min) / width), bins - 1)</c>; <c>bucket_limit[i] = min + (i + 1) * width</c>, the
/// last one <c>max</c>.
/// </remarks>
internal static class HistogramBuilder
{
    /// <summary>The histogram of <paramref name="values"/> in <paramref name="bins"/> buckets.</summary>
    /// <exception cref="ArgumentException">No values, or a value is NaN or infinite (its index is named).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is below 1.</exception>
    public static HistogramProto Build(ReadOnlySpan<float> values, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (values.IsEmpty)
        {
            throw new ArgumentException("A histogram needs at least one value.", nameof(values));
        }

        var histogram = Summarize(values);
        var counts = new double[bins];
        if (histogram.Min != histogram.Max)
        {
            var width = BucketWidth(histogram.Min, histogram.Max, bins);
            foreach (var value in values)
            {
                counts[Math.Min((int)((value - histogram.Min) / width), bins - 1)]++;
            }
        }

        AddBuckets(histogram, counts);
        return histogram;
    }

    /// <summary>The width of each of <paramref name="bins"/> equal buckets over [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static double BucketWidth(double min, double max, int bins) => (max - min) / bins;

    /// <summary>
    /// Adds the buckets to a histogram whose min, max and count are set: <paramref name="counts"/> (one per bucket) with
    /// their right edges; when min equals max, a single bucket at max holding every value instead.
    /// </summary>
    public static void AddBuckets(HistogramProto histogram, ReadOnlySpan<double> counts)
    {
        if (histogram.Min == histogram.Max)
        {
            histogram.BucketLimit.Add(histogram.Max);
            histogram.Bucket.Add(histogram.Num);
            return;
        }

        var width = BucketWidth(histogram.Min, histogram.Max, counts.Length);
        for (var i = 0; i < counts.Length; i++)
        {
            histogram.BucketLimit.Add(i == counts.Length - 1 ? histogram.Max : histogram.Min + ((i + 1) * width));
            histogram.Bucket.Add(counts[i]);
        }
    }

    private static HistogramProto Summarize(ReadOnlySpan<float> values)
    {
        double min = double.MaxValue, max = double.MinValue, sum = 0, sumSquares = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (!float.IsFinite(value))
            {
                throw new ArgumentException($"Histogram value {i} is {value}; expected finite values.", nameof(values));
            }

            min = Math.Min(min, value);
            max = Math.Max(max, value);
            sum += value;
            sumSquares += (double)value * value;
        }

        return new HistogramProto { Min = min, Max = max, Num = values.Length, Sum = sum, SumSquares = sumSquares };
    }
}
