namespace TrainExplain.Testing;

/// <summary>A histogram read from an event file (TensorBoard's legacy <c>HistogramProto</c>).</summary>
/// <param name="Min">The smallest value.</param>
/// <param name="Max">The largest value.</param>
/// <param name="Count">How many values were counted.</param>
/// <param name="Sum">The sum of the values.</param>
/// <param name="SumSquares">The sum of the squared values.</param>
/// <param name="BucketLimits">The right edge of each bucket; bucket 0 starts at <paramref name="Min"/>.</param>
/// <param name="BucketCounts">How many values each bucket holds.</param>
internal sealed record LoggedHistogram(
    double Min, double Max, double Count, double Sum, double SumSquares, IReadOnlyList<double> BucketLimits, IReadOnlyList<double> BucketCounts);
