using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Nn;

/// <summary>
/// The BatchNorm2d module by PyTorch's formulas (float32 layer, values of order one: tolerance
/// <see cref="TensorAssert.Float32Absolute"/>): training normalizes with the biased batch variance, updates the running
/// statistics by momentum with the unbiased variance and counts batches; eval uses the running statistics.
/// </summary>
public sealed class BatchNorm2dTests
{
    private const int N = 2, C = 2, H = 3, W = 1, PerChannel = N * H * W;
    private static readonly double[] X = [1, 2, 6, -1, 0, 4, 3, 5, 4, 2, 2, 8];

    // Channel 0 holds (1, 2, 6, 3, 5, 4): mean 3.5, squared deviations 6.25 + 2.25 + 6.25 + 0.25 + 2.25 + 0.25 = 17.5.
    // Channel 1 holds (-1, 0, 4, 2, 2, 8): mean 2.5, squared deviations 12.25 + 6.25 + 2.25 + 0.25 + 0.25 + 30.25 = 51.5.
    private static readonly double[] Mean = [3.5, 2.5], SquaredDeviations = [17.5, 51.5];

    [Fact]
    public void It_starts_with_unit_weight_zero_bias_and_neutral_running_statistics()
    {
        using var bn = torch.nn.BatchNorm2d(C);

        Assert.Equal([1f, 1f], bn.weight!.data<float>());
        Assert.Equal([0f, 0f], bn.bias!.data<float>());
        Assert.Equal([0f, 0f], bn.running_mean.data<float>());
        Assert.Equal([1f, 1f], bn.running_var.data<float>());
        Assert.Equal(0L, bn.num_batches_tracked.item<long>());
        Assert.Equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"], bn.state_dict().Keys);
    }

    [Fact]
    public void Training_output_is_normalized_with_the_biased_batch_variance()
    {
        using var scope = torch.NewDisposeScope();
        using var bn = torch.nn.BatchNorm2d(C);

        var y = bn.call(Input());

        double[] biased = [.. SquaredDeviations.Select(s => s / PerChannel)];
        TensorAssert.Close(Normalized(Mean, biased, 1e-5), y.data<float>(), TensorAssert.Float32Absolute);
    }

    [Fact]
    public void Training_updates_running_statistics_by_momentum_with_the_unbiased_variance_and_counts_batches()
    {
        using var scope = torch.NewDisposeScope();
        const double Momentum = 0.25;
        using var bn = torch.nn.BatchNorm2d(C, momentum: Momentum);
        double[] unbiased = [.. SquaredDeviations.Select(s => s / (PerChannel - 1))];

        bn.call(Input());
        // After one batch: (1 - m) 0 + m mean and (1 - m) 1 + m unbiased variance.
        double[] mean1 = [.. Mean.Select(m => Momentum * m)];
        double[] var1 = [.. unbiased.Select(v => 1 - Momentum + Momentum * v)];
        TensorAssert.Close(mean1, bn.running_mean.data<float>(), TensorAssert.Float32Absolute);
        TensorAssert.Close(var1, bn.running_var.data<float>(), TensorAssert.Float32Absolute);
        Assert.Equal(1L, bn.num_batches_tracked.item<long>());

        bn.call(Input());
        TensorAssert.Close([.. mean1.Zip(Mean, (r, m) => (1 - Momentum) * r + Momentum * m)], bn.running_mean.data<float>(), TensorAssert.Float32Absolute);
        TensorAssert.Close([.. var1.Zip(unbiased, (r, v) => (1 - Momentum) * r + Momentum * v)], bn.running_var.data<float>(), TensorAssert.Float32Absolute);
        Assert.Equal(2L, bn.num_batches_tracked.item<long>());
    }

    [Fact]
    public void Eval_normalizes_with_the_running_statistics_and_changes_nothing()
    {
        using var scope = torch.NewDisposeScope();
        using var bn = torch.nn.BatchNorm2d(C, eps: 0.01);
        bn.running_mean.copy_(torch.tensor(new float[] { 1, -2 }));
        bn.running_var.copy_(torch.tensor(new float[] { 4, 0.25f }));
        using (torch.no_grad())
        {
            bn.weight!.copy_(torch.tensor(new float[] { 2, 0.5f }));
            bn.bias!.copy_(torch.tensor(new float[] { -1, 3 }));
        }

        bn.eval();
        var y = bn.call(Input());

        double[] expected = [.. Normalized([1, -2], [4, 0.25], 0.01).Select((v, i) => i / (H * W) % C == 0 ? 2 * v - 1 : 0.5 * v + 3)];
        TensorAssert.Close(expected, y.data<float>(), TensorAssert.Float32Absolute);
        Assert.Equal([1f, -2f], bn.running_mean.data<float>());
        Assert.Equal([4f, 0.25f], bn.running_var.data<float>());
        Assert.Equal(0L, bn.num_batches_tracked.item<long>());
    }

    [Fact]
    public void Without_affine_there_are_no_parameters_but_the_buffers_remain()
    {
        using var bn = torch.nn.BatchNorm2d(C, affine: false);

        Assert.Empty(bn.parameters());
        Assert.Equal(["running_mean", "running_var", "num_batches_tracked"], bn.state_dict().Keys);
    }

    [Fact]
    public void An_input_with_the_wrong_channel_count_is_refused_naming_the_expected_layout()
    {
        using var scope = torch.NewDisposeScope();
        using var bn = torch.nn.BatchNorm2d(3);

        var e = Assert.Throws<ArgumentException>(() => bn.call(torch.ones([2, 4, 2, 2])));

        Assert.Contains("[N, 3, H, W]", e.Message);
        Assert.Contains("[2, 4, 2, 2]", e.Message);
        Assert.Equal(0L, bn.num_batches_tracked.item<long>());
    }

    [Fact]
    public void Gradients_reach_weight_and_bias()
    {
        using var scope = torch.NewDisposeScope();
        using var bn = torch.nn.BatchNorm2d(C);
        // y = x_hat w + b: d sum(y) / d b = N H W per channel; d sum(y) / d w = sum(x_hat) = 0.
        bn.call(Input()).sum().backward();

        TensorAssert.Close([PerChannel, PerChannel], bn.bias!.grad!.data<float>(), TensorAssert.Float32Absolute);
        TensorAssert.Close([0, 0], bn.weight!.grad!.data<float>(), TensorAssert.Float32Absolute);
    }

    private static Tensor Input() => torch.tensor(X.Select(v => (float)v).ToArray(), [N, C, H, W]);

    private static double[] Normalized(double[] mean, double[] var, double eps) =>
        [.. X.Select((v, i) =>
        {
            int c = i / (H * W) % C;
            return (v - mean[c]) / Math.Sqrt(var[c] + eps);
        })];
}
