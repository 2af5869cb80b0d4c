using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Functional;

/// <summary>
/// cross_entropy, nll_loss and mse_loss: values and gradients against their formulas in float64, for every reduction.
/// Cross-entropy of logits x with targets y: l_n = -log p_n[y_n], p_n = softmax(x_n); d l_n / d x_n = p_n - onehot(y_n).
/// </summary>
public sealed class LossTests
{
    private const int N = 3, K = 4;
    private static readonly double[] Logits = TensorAssert.RandomValues(N * K, seed: 11).Select(v => 3 * v).ToArray();
    private static readonly long[] Targets = [2, 0, 3];

    [Fact]
    public void Cross_entropy_mean_is_the_average_negative_log_probability_of_the_target()
    {
        using var scope = torch.NewDisposeScope();
        var loss = torch.nn.functional.cross_entropy(torch.tensor(Logits, [N, K]), torch.tensor(Targets));

        TensorAssert.Close([PerSampleLosses().Average()], loss.reshape(1));
    }

    [Fact]
    public void Cross_entropy_gradient_is_softmax_minus_one_hot_over_the_batch()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(Logits, [N, K]).requires_grad_();
        torch.nn.functional.cross_entropy(x, torch.tensor(Targets)).backward();

        TensorAssert.Close(SoftmaxMinusTarget(OneHot()).Select(v => v / N).ToArray(), x.grad!);
    }

    [Fact]
    public void Cross_entropy_sum_adds_the_losses_and_its_gradient_is_softmax_minus_one_hot()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(Logits, [N, K]).requires_grad_();
        var loss = torch.nn.functional.cross_entropy(x, torch.tensor(Targets), reduction: Reduction.Sum);
        loss.backward();

        TensorAssert.Close([PerSampleLosses().Sum()], loss.reshape(1));
        TensorAssert.Close(SoftmaxMinusTarget(OneHot()), x.grad!);
    }

    [Fact]
    public void Cross_entropy_without_reduction_gives_one_loss_per_sample()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(Logits, [N, K]).requires_grad_();
        var losses = torch.nn.functional.cross_entropy(x, torch.tensor(Targets), reduction: Reduction.None);
        // Weighting sample n by n + 1 scales row n of the gradient by n + 1.
        losses.backward(torch.tensor(new double[] { 1, 2, 3 }));

        Assert.Equal([N], losses.shape);
        TensorAssert.Close(PerSampleLosses(), losses);
        double[] expected = SoftmaxMinusTarget(OneHot());
        TensorAssert.Close(expected.Select((v, i) => v * (i / K + 1)).ToArray(), x.grad!);
    }

    [Fact]
    public void Cross_entropy_with_label_smoothing_targets_the_smoothed_distribution()
    {
        using var scope = torch.NewDisposeScope();
        const double Epsilon = 0.1;
        // q = (1 - eps) onehot + eps / K; loss = -(1/N) sum_n sum_k q_nk log p_nk; gradient (p - q) / N.
        double[] q = OneHot().Select(v => (1 - Epsilon) * v + Epsilon / K).ToArray();
        double[] p = Formulas.Softmax(Logits, K);
        double expectedLoss = -q.Select((qk, i) => qk * Math.Log(p[i])).Sum() / N;
        var x = torch.tensor(Logits, [N, K]).requires_grad_();
        var loss = torch.nn.functional.cross_entropy(x, torch.tensor(Targets), label_smoothing: Epsilon);
        loss.backward();

        TensorAssert.Close([expectedLoss], loss.reshape(1));
        TensorAssert.Close(SoftmaxMinusTarget(q).Select(v => v / N).ToArray(), x.grad!);
    }

    [Fact]
    public void Cross_entropy_with_class_weights_divides_by_the_sum_of_the_target_weights()
    {
        using var scope = torch.NewDisposeScope();
        double[] weight = [0.5, 1, 2, 4];
        double[] losses = PerSampleLosses();
        double weightSum = Targets.Sum(t => weight[t]);
        double expected = Targets.Select((t, n) => weight[t] * losses[n]).Sum() / weightSum;
        var x = torch.tensor(Logits, [N, K]).requires_grad_();
        var loss = torch.nn.functional.cross_entropy(x, torch.tensor(Targets), torch.tensor(weight));
        loss.backward();

        TensorAssert.Close([expected], loss.reshape(1));
        double[] gradient = SoftmaxMinusTarget(OneHot()).Select((v, i) => v * weight[Targets[i / K]] / weightSum).ToArray();
        TensorAssert.Close(gradient, x.grad!);
    }

    [Fact]
    public void Cross_entropy_ignores_samples_whose_target_is_the_ignore_index()
    {
        using var scope = torch.NewDisposeScope();
        // Sample 1 is ignored: the mean runs over samples 0 and 2 only and row 1 of the gradient is zero.
        long[] targets = [2, -100, 3];
        double[] losses = PerSampleLosses();
        var x = torch.tensor(Logits, [N, K]).requires_grad_();
        var loss = torch.nn.functional.cross_entropy(x, torch.tensor(targets));
        loss.backward();

        TensorAssert.Close([(losses[0] + losses[2]) / 2], loss.reshape(1));
        double[] gradient = SoftmaxMinusTarget(OneHot()).Select((v, i) => i / K == 1 ? 0 : v / 2).ToArray();
        TensorAssert.Close(gradient, x.grad!);
    }

    [Fact]
    public void Nll_loss_picks_the_negated_target_entries_and_its_gradient_is_minus_one_over_n_there()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(Logits, [N, K]).requires_grad_();
        var loss = torch.nn.functional.nll_loss(x, torch.tensor(Targets));
        loss.backward();

        TensorAssert.Close([-Targets.Select((t, n) => Logits[n * K + t]).Average()], loss.reshape(1));
        TensorAssert.Close(OneHot().Select(v => -v / N).ToArray(), x.grad!);
    }

    [Fact]
    public void Nll_loss_of_log_softmax_equals_cross_entropy()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(Logits, [N, K]);
        var nll = torch.nn.functional.nll_loss(torch.nn.functional.log_softmax(x, 1), torch.tensor(Targets), reduction: Reduction.None);

        TensorAssert.Close(PerSampleLosses(), nll);
    }

    [Fact]
    public void Mse_loss_is_the_mean_squared_difference_with_gradient_two_differences_over_the_count()
    {
        using var scope = torch.NewDisposeScope();
        double[] a = [1, -2, 0.5, 4], b = [0, 1, 0.5, 2];
        var x = torch.tensor(a, [2, 2]).requires_grad_();
        var loss = torch.nn.functional.mse_loss(x, torch.tensor(b, [2, 2]));
        loss.backward();

        // Differences (1, -3, 0, 2): mean of squares (1 + 9 + 0 + 4) / 4 = 3.5; gradient 2 d / 4.
        TensorAssert.Close([3.5], loss.reshape(1));
        TensorAssert.Close([0.5, -1.5, 0, 1], x.grad!);
    }

    [Fact]
    public void Mse_loss_sum_and_none_reductions_follow_the_formula()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, -2, 0.5, 4 });
        var y = torch.tensor(new double[] { 0, 1, 0.5, 2 });

        TensorAssert.Close([14], torch.nn.functional.mse_loss(x, y, Reduction.Sum).reshape(1));
        TensorAssert.Close([1, 9, 0, 4], torch.nn.functional.mse_loss(x, y, Reduction.None));
    }

    private static double[] OneHot()
    {
        double[] oneHot = new double[N * K];
        for (int n = 0; n < N; n++)
        {
            oneHot[n * K + Targets[n]] = 1;
        }

        return oneHot;
    }

    private static double[] PerSampleLosses()
    {
        double[] p = Formulas.Softmax(Logits, K);
        return [.. Enumerable.Range(0, N).Select(n => -Math.Log(p[n * K + Targets[n]]))];
    }

    private static double[] SoftmaxMinusTarget(double[] target) =>
        [.. Formulas.Softmax(Logits, K).Zip(target, (p, t) => p - t)];
}
