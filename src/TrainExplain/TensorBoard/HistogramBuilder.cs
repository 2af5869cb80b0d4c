using TrainExplain.TensorBoard.Proto;

namespace TrainExplain.TensorBoard;

/// <summary>
/// Builds TensorBoard's legacy <c>HistogramProto</c> with equal-width buckets over [min, max] of the values
/// (as <c>numpy.histogram(values, bins)</c>, which PyTorch's <c>add_histogram</c> uses for integer bins).
/// Constant values make a single bucket whose right edge is the value.
/// </summary>
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
        if (histogram.Min == histogram.Max)
        {
            histogram.BucketLimit.Add(histogram.Max);
            histogram.Bucket.Add(values.Length);
            return histogram;
        }

        var counts = new double[bins];
        var width = (histogram.Max - histogram.Min) / bins;
        foreach (var value in values)
        {
            counts[Math.Min((int)((value - histogram.Min) / width), bins - 1)]++;
        }

        for (var i = 0; i < bins; i++)
        {
            histogram.BucketLimit.Add(i == bins - 1 ? histogram.Max : histogram.Min + ((i + 1) * width));
        }

        histogram.Bucket.Add(counts);
        return histogram;
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
