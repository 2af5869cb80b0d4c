namespace TrainExplain.Torch.Tests.Nn;

/// <summary>
/// Conv2d and Linear start as in PyTorch: kaiming_uniform(a = sqrt 5) gives weights U(-b, b) with b = 1/sqrt(fan_in),
/// and the bias has the same bound. U(-b, b) has mean 0 and variance b^2 / 3.
/// </summary>
public sealed class DefaultInitializationTests
{
    // For n samples the sample variance of U(-b, b) has relative standard deviation sqrt(4/5 / n) (0.13% for
    // n = 500,000, 0.33% for 73,728 and 80,000); the bounds below are more than 5 of those.
    private const double RelativeVarianceTolerance = 0.02;

    [Fact]
    public void Linear_weights_and_bias_lie_within_one_over_root_fan_in_with_uniform_variance()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        using var layer = torch.nn.Linear(1000, 500);
        double bound = 1 / Math.Sqrt(1000);

        AssertUniform(layer.weight.data<float>(), bound);
        Assert.All(layer.bias!.data<float>(), v => Assert.InRange(v, -bound, bound));
        // 500 bias values from U(-b, b): all of them stay below 0.98 b with probability 0.98^500 = 4e-5.
        Assert.True(layer.bias!.data<float>().Max(v => Math.Abs(v)) > 0.98 * bound);
    }

    [Fact]
    public void Conv2d_weights_and_bias_lie_within_one_over_root_of_channels_times_kernel_area()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(12);
        // fan_in = in_channels * k * k = 64 * 9.
        using var layer = torch.nn.Conv2d(64, 128, 3);
        double bound = 1 / Math.Sqrt(64 * 9);

        AssertUniform(layer.weight.data<float>(), bound);
        Assert.All(layer.bias!.data<float>(), v => Assert.InRange(v, -bound, bound));
        // 128 bias values: all of them stay below 0.9 b with probability 0.9^128 = 1e-6.
        Assert.True(layer.bias!.data<float>().Max(v => Math.Abs(v)) > 0.9 * bound);
    }

    [Fact]
    public void Grouped_Conv2d_uses_the_channels_of_one_group_as_fan_in()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(13);
        // fan_in = in_channels / groups * k * k = 8 / 4 * 25 = 50.
        using var layer = torch.nn.Conv2d(8, 1600, 5, groups: 4);
        double bound = 1 / Math.Sqrt(50);

        Assert.Equal([1600L, 2, 5, 5], layer.weight.shape);
        AssertUniform(layer.weight.data<float>(), bound);
    }

    private static void AssertUniform(float[] values, double bound)
    {
        Assert.All(values, v => Assert.InRange(v, -bound, bound));
        double mean = values.Average(v => (double)v);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        // The mean's standard deviation is b / sqrt(3 n); allow 6 of them.
        Assert.InRange(mean, -6 * bound / Math.Sqrt(3.0 * values.Length), 6 * bound / Math.Sqrt(3.0 * values.Length));
        Assert.InRange(variance / (bound * bound / 3), 1 - RelativeVarianceTolerance, 1 + RelativeVarianceTolerance);
    }
}
