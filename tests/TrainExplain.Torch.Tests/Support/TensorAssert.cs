namespace TrainExplain.Torch.Tests.Support;

/// <summary>Elementwise comparisons with a stated tolerance: |expected - actual| &lt;= absolute + relative * |expected|.</summary>
internal static class TensorAssert
{
    /// <summary>Round-off of a few float64 operations on values of order one.</summary>
    public const double Float64Relative = 1e-12;

    /// <summary>Round-off of float64 values of order one accumulated over a short sum.</summary>
    public const double Float64Absolute = 1e-12;

    /// <summary>Round-off of float32 arithmetic on values of order one.</summary>
    public const double Float32Absolute = 1e-5;

    /// <summary>Asserts that <paramref name="actual"/> holds <paramref name="expected"/> within the tolerance, naming the first bad index.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double relative = Float64Relative, double absolute = Float64Absolute)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double allowed = absolute + relative * Math.Abs(expected[i]);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= allowed,
                $"Element {i}: expected {expected[i]:R}, got {actual[i]:R} (allowed difference {allowed:R}).");
        }
    }

    /// <summary>Float32 values against float64 expectations.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double absolute)
    {
        double[] widened = new double[actual.Length];
        for (int i = 0; i < actual.Length; i++)
        {
            widened[i] = actual[i];
        }

        Close(expected, widened, 0, absolute);
    }

    /// <summary>The float64 elements of <paramref name="tensor"/> against <paramref name="expected"/>.</summary>
    public static void Close(ReadOnlySpan<double> expected, Tensor tensor, double relative = Float64Relative, double absolute = Float64Absolute)
    {
        Assert.Equal(ScalarType.Float64, tensor.dtype);
        Close(expected, tensor.data<double>(), relative, absolute);
    }

    /// <summary>Reproducible float64 values in [-1, 1) from System.Random, independent of libtorch's generator.</summary>
    public static double[] RandomValues(int count, int seed)
    {
        var random = new Random(seed);
        double[] values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = random.NextDouble() * 2 - 1;
        }

        return values;
    }
}
