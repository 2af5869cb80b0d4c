using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Optim;

/// <summary>
/// Adam steps against PyTorch 1.13's rule, written out here: g = grad + wd p; m = b1 m + (1 - b1) g;
/// v = b2 v + (1 - b2) g^2; with AMSGrad v_max = max(v_max, v) replaces v; p = p - lr / (1 - b1^t) m /
/// (sqrt(v) / sqrt(1 - b2^t) + eps), eps outside the square root.
/// </summary>
public sealed class AdamTests
{
    private static readonly double[] P0 = [1, -2, 3, 0.5];

    // The second and third gradients are much smaller than the first, so v decreases and AMSGrad's max matters.
    private static readonly double[][] Gradients = [[4, -2, 1, 0], [0.1, 0.2, -0.3, 0.05], [0.01, -0.02, 0.02, 0.01]];

    [Fact]
    public void The_first_step_moves_each_parameter_by_about_lr_against_the_gradient_sign()
    {
        using var scope = torch.NewDisposeScope();
        // At t = 1 the bias-corrected m / sqrt(v) is g / |g|: the step is lr |g| / (|g| + eps), and 0 where g = 0.
        const double Lr = 0.01, Eps = 1e-8;
        var p = torch.tensor(P0).requires_grad_();
        using var adam = torch.optim.Adam([p], Lr, eps: Eps);
        p.grad = torch.tensor(Gradients[0]);

        adam.step();

        TensorAssert.Close([.. P0.Select((v, i) => v - Lr * Gradients[0][i] / (Math.Abs(Gradients[0][i]) + Eps))], p);
    }

    [Theory]
    [InlineData(1, 0.0, false)]
    [InlineData(2, 0.0, false)]
    [InlineData(3, 0.1, false)]
    [InlineData(3, 0.0, true)]
    [InlineData(3, 0.1, true)]
    public void Steps_follow_the_formula_with_bias_corrections_weight_decay_and_amsgrad(int steps, double wd, bool amsgrad)
    {
        using var scope = torch.NewDisposeScope();
        const double Lr = 0.05, B1 = 0.8, B2 = 0.9, Eps = 1e-3;
        var p = torch.tensor(P0).requires_grad_();
        using var adam = torch.optim.Adam([p], Lr, B1, B2, Eps, wd, amsgrad);

        for (int t = 0; t < steps; t++)
        {
            p.grad = torch.tensor(Gradients[t]);
            adam.step();
        }

        TensorAssert.Close(Expected(steps, Lr, B1, B2, Eps, wd, amsgrad), p);
    }

    [Fact]
    public void Amsgrad_changes_the_steps_once_the_second_moment_decreases()
    {
        using var scope = torch.NewDisposeScope();
        // Guards the theory above: with these gradients the flag must make a visible difference.
        double[] plain = Run(amsgrad: false), ams = Run(amsgrad: true);

        Assert.Contains(plain.Zip(ams), pair => Math.Abs(pair.First - pair.Second) > 1e-4);

        static double[] Run(bool amsgrad)
        {
            var p = torch.tensor(P0).requires_grad_();
            using var adam = torch.optim.Adam([p], 0.05, 0.8, 0.9, 1e-3, amsgrad: amsgrad);
            foreach (double[] g in Gradients)
            {
                p.grad = torch.tensor(g);
                adam.step();
            }

            return p.data<double>();
        }
    }

    private static double[] Expected(int steps, double lr, double b1, double b2, double eps, double wd, bool amsgrad)
    {
        double[] p = [.. P0], m = new double[P0.Length], v = new double[P0.Length], vMax = new double[P0.Length];
        for (int t = 1; t <= steps; t++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double g = Gradients[t - 1][i] + wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                vMax[i] = Math.Max(vMax[i], v[i]);
                double second = amsgrad ? vMax[i] : v[i];
                double denominator = Math.Sqrt(second) / Math.Sqrt(1 - Math.Pow(b2, t)) + eps;
                p[i] -= lr / (1 - Math.Pow(b1, t)) * m[i] / denominator;
            }
        }

        return p;
    }
}
