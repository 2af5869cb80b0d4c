using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Optim;

/// <summary>
/// SGD steps against PyTorch's rule, written out here: d = g + wd p; with momentum b = d at the first step, then
/// b = mu b + (1 - dampening) d; the direction is d + mu b with Nesterov, else b; p = p - lr direction.
/// </summary>
public sealed class SgdTests
{
    private static readonly double[] P0 = [1, -2, 3];
    private static readonly double[] G1 = [0.5, 0.5, -1], G2 = [-0.25, 1, 2];

    [Fact]
    public void A_plain_step_is_p_minus_lr_times_the_gradient_plus_weight_decay()
    {
        using var scope = torch.NewDisposeScope();
        const double Lr = 0.1, Wd = 0.01;
        var p = Parameter();
        using var sgd = torch.optim.SGD([p], Lr, weight_decay: Wd);
        p.grad = torch.tensor(G1);

        sgd.step();

        TensorAssert.Close([.. P0.Select((v, i) => v - Lr * (G1[i] + Wd * v))], p);
    }

    [Theory]
    [InlineData(0.9, 0.0, 0.0, false)]
    [InlineData(0.9, 0.3, 0.01, false)]
    [InlineData(0.8, 0.0, 0.05, true)]
    public void Two_momentum_steps_follow_PyTorch_buffer_rule(double mu, double dampening, double wd, bool nesterov)
    {
        using var scope = torch.NewDisposeScope();
        const double Lr = 0.1;
        var p = Parameter();
        using var sgd = torch.optim.SGD([p], Lr, mu, dampening, wd, nesterov);

        double[] expected = [.. P0];
        double[] buffer = new double[3];
        foreach (var (g, step) in new[] { (G1, 1), (G2, 2) })
        {
            p.grad = torch.tensor(g);
            sgd.step();
            for (int i = 0; i < 3; i++)
            {
                double d = g[i] + wd * expected[i];
                buffer[i] = step == 1 ? d : mu * buffer[i] + (1 - dampening) * d;
                expected[i] -= Lr * (nesterov ? d + mu * buffer[i] : buffer[i]);
            }
        }

        TensorAssert.Close(expected, p);
    }

    [Fact]
    public void A_zero_learning_rate_is_allowed_and_changes_nothing_as_in_PyTorch()
    {
        using var scope = torch.NewDisposeScope();
        var p = Parameter();
        using var sgd = torch.optim.SGD([p], lr: 0, momentum: 0.9);
        p.grad = torch.tensor(G1);

        sgd.step();

        TensorAssert.Close(P0, p);
    }

    [Fact]
    public void Zero_grad_clears_every_gradient_and_a_step_without_gradients_changes_nothing()
    {
        using var scope = torch.NewDisposeScope();
        var p = Parameter();
        var q = Parameter();
        using var sgd = torch.optim.SGD([p, q], 0.1, momentum: 0.9);
        p.grad = torch.tensor(G1);
        q.grad = torch.tensor(G2);

        sgd.zero_grad();
        sgd.step();

        Assert.Null(p.grad);
        Assert.Null(q.grad);
        TensorAssert.Close(P0, p, 0, 0);
        TensorAssert.Close(P0, q, 0, 0);
    }

    [Fact]
    public void Only_parameters_with_a_gradient_move()
    {
        using var scope = torch.NewDisposeScope();
        var p = Parameter();
        var q = Parameter();
        using var sgd = torch.optim.SGD([p, q], 0.5);
        q.grad = torch.tensor(G2);

        sgd.step();

        TensorAssert.Close(P0, p, 0, 0);
        TensorAssert.Close([.. P0.Select((v, i) => v - 0.5 * G2[i])], q);
    }

    [Fact]
    public void A_changed_learning_rate_applies_from_the_next_step()
    {
        using var scope = torch.NewDisposeScope();
        var p = Parameter();
        using var sgd = torch.optim.SGD([p], 0.1);
        p.grad = torch.tensor(G1);
        sgd.step();

        sgd.LearningRate = 0.01;
        sgd.step();

        TensorAssert.Close([.. P0.Select((v, i) => v - 0.1 * G1[i] - 0.01 * G1[i])], p);
    }

    private static Tensor Parameter() => torch.tensor(P0).requires_grad_();
}
