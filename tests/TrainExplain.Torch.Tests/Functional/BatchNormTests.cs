using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Functional;

/// <summary>
/// batch_norm by its formula, per channel c over the N H W values: training normalizes with the batch mean and the biased
/// variance and updates running_mean = (1 - m) running_mean + m mean, running_var = (1 - m) running_var + m unbiased
/// variance; eval normalizes with the running statistics. y = (x - mean) / sqrt(var + eps) weight + bias.
/// </summary>
public sealed class BatchNormTests
{
    private const int N = 2, C = 3, H = 2, W = 2, PerChannel = N * H * W;
    private const double Momentum = 0.3, Eps = 1e-3;
    private static readonly double[] X = TensorAssert.RandomValues(N * C * H * W, seed: 21).Select(v => 2 * v + 1).ToArray();
    private static readonly double[] Weight = [1.5, -0.5, 2], Bias = [0.1, 0.2, -0.3];
    private static readonly double[] RunningMean = [0.5, -0.25, 0], RunningVar = [2, 0.5, 1];

    [Fact]
    public void Training_batch_norm_normalizes_with_the_biased_batch_variance()
    {
        using var scope = torch.NewDisposeScope();
        var (mean, var) = BatchStatistics(biased: true);

        var y = torch.nn.functional.batch_norm(Tensor4(X), torch.tensor(RunningMean), torch.tensor(RunningVar),
            torch.tensor(Weight), torch.tensor(Bias), training: true, Momentum, Eps);

        TensorAssert.Close(Normalize(mean, var), y);
    }

    [Fact]
    public void Training_batch_norm_updates_the_running_statistics_with_the_unbiased_variance()
    {
        using var scope = torch.NewDisposeScope();
        var runningMean = torch.tensor(RunningMean);
        var runningVar = torch.tensor(RunningVar);
        var (mean, _) = BatchStatistics(biased: true);
        var (_, unbiased) = BatchStatistics(biased: false);

        torch.nn.functional.batch_norm(Tensor4(X), runningMean, runningVar, torch.tensor(Weight), torch.tensor(Bias), training: true, Momentum, Eps);

        TensorAssert.Close([.. RunningMean.Zip(mean, (r, m) => (1 - Momentum) * r + Momentum * m)], runningMean);
        TensorAssert.Close([.. RunningVar.Zip(unbiased, (r, v) => (1 - Momentum) * r + Momentum * v)], runningVar);
    }

    [Fact]
    public void Eval_batch_norm_uses_the_running_statistics_and_leaves_them_unchanged()
    {
        using var scope = torch.NewDisposeScope();
        var runningMean = torch.tensor(RunningMean);
        var runningVar = torch.tensor(RunningVar);

        var y = torch.nn.functional.batch_norm(Tensor4(X), runningMean, runningVar, torch.tensor(Weight), torch.tensor(Bias), training: false, Momentum, Eps);

        TensorAssert.Close(Normalize(RunningMean, RunningVar), y);
        TensorAssert.Close(RunningMean, runningMean, 0, 0);
        TensorAssert.Close(RunningVar, runningVar, 0, 0);
    }

    [Fact]
    public void Training_batch_norm_with_one_value_per_channel_is_refused_and_keeps_the_running_statistics()
    {
        using var scope = torch.NewDisposeScope();
        // PyTorch raises "Expected more than 1 value per channel when training": the unbiased variance of one value
        // divides by zero and would poison running_var.
        var runningMean = torch.tensor(RunningMean);
        var runningVar = torch.tensor(RunningVar);
        var single = torch.tensor(new double[] { 1, 2, 3 }, [1, C, 1, 1]);

        var e = Assert.ThrowsAny<Exception>(() => torch.nn.functional.batch_norm(single, runningMean, runningVar, training: true));

        Assert.Contains("more than 1 value per channel", e.Message);
        TensorAssert.Close(RunningVar, runningVar, 0, 0);
    }

    private static Tensor Tensor4(double[] x) => torch.tensor(x, [N, C, H, W]);

    private static double[] Channel(int c) =>
        [.. Enumerable.Range(0, N).SelectMany(n => X.Skip((n * C + c) * H * W).Take(H * W))];

    private static (double[] Mean, double[] Var) BatchStatistics(bool biased)
    {
        double[] mean = [.. Enumerable.Range(0, C).Select(c => Channel(c).Average())];
        double[] var = [.. Enumerable.Range(0, C).Select(c =>
            Channel(c).Sum(v => (v - mean[c]) * (v - mean[c])) / (biased ? PerChannel : PerChannel - 1))];
        return (mean, var);
    }

    private static double[] Normalize(double[] mean, double[] var) =>
        [.. X.Select((v, i) =>
        {
            int c = i / (H * W) % C;
            return (v - mean[c]) / Math.Sqrt(var[c] + Eps) * Weight[c] + Bias[c];
        })];
}
