using TrainExplain.TensorBoard;
using TrainExplain.TensorBoard.Proto;
using TrainExplain.Testing;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.TensorBoard;

/// <summary>
/// The tensor overload of <c>AddHistogram</c> builds the span overload's histogram on the tensor's device. Data whose
/// float64 sums are exact in any order (multiples of 1/64 of moderate size) must give a bit-identical
/// <see cref="HistogramProto"/>; other data the same min, max, count, limits and bucket counts, and sums within the
/// float64 bound of adding n terms in another order (n * 2^-53 * sum of |terms|).
/// </summary>
public sealed class TensorHistogramTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    public static TheoryData<int, int> DyadicCases => new() { { 1, 1 }, { 1, 30 }, { 2, 1 }, { 17, 7 }, { 1_000, 30 }, { 4_096, 64 } };

    [Theory]
    [MemberData(nameof(DyadicCases))]
    public void Float32AndFloat64Tensors_GiveTheSpanOverloadsHistogramExactly(int count, int bins)
    {
        var values = Dyadic(count, seed: count + bins);
        var expected = HistogramBuilder.Build(values, bins);
        using var single = torch.tensor(values);
        using var dual = torch.tensor(values.Select(v => (double)v).ToArray());
        Assert.Equal(expected, Built(single, bins));
        Assert.Equal(expected, Built(dual, bins));
        Assert.Equal(values, single.ToFloats());
        Assert.Equal(values.Select(v => (double)v), dual.ToDoubles()); // a float64 input is viewed, never overwritten
    }

    [Theory]
    [InlineData(1)]
    [InlineData(30)]
    public void ConstantTensor_MakesTheSpanOverloadsSingleBucket(int bins)
    {
        float[] values = [2.5f, 2.5f, 2.5f, 2.5f];
        using var single = torch.full(4, 2.5f, ScalarType.Float32);
        using var dual = torch.full(4, 2.5, ScalarType.Float64);
        var expected = HistogramBuilder.Build(values, bins);
        Assert.Equal([2.5], expected.BucketLimit);
        Assert.Equal([4.0], expected.Bucket);
        Assert.Equal(expected, Built(single, bins));
        Assert.Equal(expected, Built(dual, bins));
    }

    [Fact]
    public void EdgesOfBuckets_FallWhereTheSpanOverloadPutsThem()
    {
        // 0..9 in 5 buckets of width 1.8 and 0..1 in tenths: values on or next to computed bucket edges.
        float[] integers = [9f, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f];
        float[] tenths = [.. Enumerable.Range(0, 11).Select(i => i / 10f)];
        using var first = torch.tensor(integers);
        using var second = torch.tensor(tenths);
        Assert.Equal(HistogramBuilder.Build(integers, 5), Built(first, 5));
        AssertSameHistogram(tenths, 10, Built(second, 10));
        AssertSameHistogram(tenths, 3, Built(second, 3));
    }

    [Theory]
    [InlineData(10_000, 30)]
    [InlineData(3_333, 7)]
    public void RandomTensor_HasTheSpanOverloadsBucketsAndSumsWithinTheOrderBound(int count, int bins)
    {
        var random = new Random(count);
        var values = Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 6 - 1) * (float)random.NextDouble()).ToArray();
        using var tensor = torch.tensor(values);
        AssertSameHistogram(values, bins, Built(tensor, bins));
    }

    [Fact]
    public void NonContiguousIntegerAndGradientTrackingTensors_AreReadAsTheyAre()
    {
        var values = Dyadic(24, seed: 5);
        using var matrix = torch.tensor(values).reshape(4, 6);
        using var transposed = matrix.t();
        using var parameter = torch.tensor(values, requires_grad: true);
        using var integers = torch.arange(-5, 20, dtype: ScalarType.Int32);
        var expected = HistogramBuilder.Build(values, 9);
        Assert.False(transposed.is_contiguous());
        Assert.Equal(expected, Built(transposed, 9));
        Assert.Equal(expected, Built(parameter, 9));
        Assert.Equal(HistogramBuilder.Build([.. Enumerable.Range(-5, 25).Select(i => (float)i)], 4), Built(integers, 4));
        Assert.Equal(values, parameter.ToFloats());
    }

    [Fact]
    public void NonFiniteValues_AreLeftOutAndCounted()
    {
        double[] values = [1, double.NaN, 2, double.PositiveInfinity, 3, double.NegativeInfinity, 4];
        using var tensor = torch.tensor(values);
        using var single = torch.tensor(values.Select(v => (float)v).ToArray());
        var expected = HistogramBuilder.Build([1f, 2f, 3f, 4f], 3);
        Assert.Equal((expected, 3L), TensorHistogram.Build(tensor, 3));
        Assert.Equal((expected, 3L), TensorHistogram.Build(single, 3));
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), tensor.ToDoubles().Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void EachKindOfNonFiniteValue_IsFoundAlone(double special)
    {
        using var tensor = torch.tensor(new[] { 1.5, special, -2.0, 4.0 });
        Assert.Equal((HistogramBuilder.Build([1.5f, -2f, 4f], 5), 1L), TensorHistogram.Build(tensor, 5));
    }

    [Fact]
    public void AddHistogram_LogsTheFiniteValuesAndReportsTheRest()
    {
        using var finite = torch.tensor(new[] { 0.5f, 1f, 1.5f });
        using var diverging = torch.tensor(new[] { 1f, float.NaN, 2f, float.PositiveInfinity });
        using var diverged = torch.tensor(new[] { float.NaN, float.NegativeInfinity });
        using var empty = torch.empty(0, 3);
        HistogramOutcome[] outcomes;
        using (var writer = new TensorBoardWriter(directory.Path))
        {
            outcomes =
            [
                writer.AddHistogram("finite", finite, 0, bins: 2, description: "weights"),
                writer.AddHistogram("diverging", diverging, 0, bins: 2),
                writer.AddHistogram("diverged", diverged, 0),
                writer.AddHistogram("empty", empty, 0),
            ];
        }

        Assert.Equal([new(3, 0), new(2, 2), new(0, 2), new(0, 0)], outcomes);
        Assert.Equal([true, true, false, false], outcomes.Select(o => o.Written));
        Assert.Equal([true, false, false, true], outcomes.Select(o => o.AllFinite));
        var events = EventFileReader.ReadRun(directory.Path).ToList();
        Assert.Equal(["finite", "diverging"], events.Tags());
        var logged = Assert.Single(events.ValuesOf("finite")).Value;
        Assert.Equal(("weights", 3.0, 3.0), (logged.Description, logged.Histogram!.Count, logged.Histogram.Sum));
        Assert.Equal([1.0, 1.0], Assert.Single(events.ValuesOf("diverging")).Value.Histogram!.BucketCounts);
    }

    [Fact]
    public void AddHistogram_RejectsBadArguments()
    {
        using var writer = new TensorBoardWriter(directory.Path);
        using var values = torch.ones(3);
        using var complex = torch.ones(3, ScalarType.ComplexFloat32);
        Assert.Throws<ArgumentNullException>(() => writer.AddHistogram("h", (Tensor)null!, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.AddHistogram("h", values, 0, bins: 0));
        Assert.Throws<ArgumentException>(() => writer.AddHistogram(" ", values, 0));
        var e = Assert.Throws<ArgumentException>(() => writer.AddHistogram("h", complex, 0));
        Assert.Contains("real values", e.Message, StringComparison.Ordinal);
        writer.Flush();
        Assert.Single(EventFileReader.ReadFile(writer.FilePath)); // only the file version
    }

    [Fact]
    public void AddHistogram_LeavesNoTensorBehind()
    {
        var baseline = LiveTensors.Baseline();
        using (var writer = new TensorBoardWriter(directory.Path))
        using (var values = torch.randn(1_000))
        using (var withNaN = torch.tensor(new[] { 1f, float.NaN }))
        using (var allNaN = torch.tensor(new[] { float.NaN }))
        using (var empty = torch.empty(0))
        using (var complex = torch.ones(2, ScalarType.ComplexFloat32))
        {
            for (var step = 0; step < 3; step++)
            {
                writer.AddHistogram("values", values, step);
                writer.AddHistogram("nan", withNaN, step);
                writer.AddHistogram("all-nan", allNaN, step);
                writer.AddHistogram("empty", empty, step);
                Assert.Throws<ArgumentException>(() => writer.AddHistogram("complex", complex, step));
            }
        }

        baseline.AssertUnchanged();
    }

    /// <summary>
    /// The span overload's histogram of <paramref name="values"/> bit for bit, except the sums, which may differ by the
    /// float64 bound of adding n terms in another order.
    /// </summary>
    private static void AssertSameHistogram(float[] values, int bins, HistogramProto actual)
    {
        var expected = HistogramBuilder.Build(values, bins);
        var bound = values.Length * Math.ScaleB(1, -53);
        Assert.True(Math.Abs(actual.Sum - expected.Sum) <= bound * values.Sum(v => Math.Abs((double)v)), $"sum {actual.Sum} against {expected.Sum}");
        Assert.True(Math.Abs(actual.SumSquares - expected.SumSquares) <= bound * expected.SumSquares, $"sum of squares {actual.SumSquares} against {expected.SumSquares}");
        var rest = actual.Clone();
        (rest.Sum, rest.SumSquares) = (expected.Sum, expected.SumSquares);
        Assert.Equal(expected, rest);
    }

    private static HistogramProto Built(Tensor values, int bins)
    {
        var (histogram, notFinite) = TensorHistogram.Build(values, bins);
        Assert.Equal(0, notFinite);
        return Assert.IsType<HistogramProto>(histogram);
    }

    /// <summary>Multiples of 1/64 in [-16, 16): float32 values whose float64 sums and sums of squares are exact in any order.</summary>
    private static float[] Dyadic(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.Next(-1024, 1024) / 64f)];
    }
}
