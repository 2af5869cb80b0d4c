using TrainExplain.Torch.Optim;

namespace TrainExplain.Torch.Tests.Optim;

/// <summary>
/// Linear(2, 8) - ReLU - Linear(8, 1), seeded, fits XOR (a fixed four-point regression) to a mean squared error below
/// <see cref="TargetLoss"/> with each optimizer.
/// </summary>
public sealed class ConvergenceTests
{
    private const double TargetLoss = 1e-3;

    [Fact]
    public void Sgd_with_momentum_fits_xor_to_near_zero_loss()
    {
        Assert.True(Train(parameters => torch.optim.SGD(parameters, 0.05, momentum: 0.9), steps: 1500) < TargetLoss);
    }

    [Fact]
    public void Adam_fits_xor_to_near_zero_loss()
    {
        Assert.True(Train(parameters => torch.optim.Adam(parameters, 0.02), steps: 800) < TargetLoss);
    }

    private static double Train(Func<IEnumerable<Tensor>, Optimizer> makeOptimizer, int steps)
    {
        torch.manual_seed(0);
        using var model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1));
        using var optimizer = makeOptimizer(model.parameters());
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, [4, 2]);
        var y = torch.tensor(new float[] { 0, 1, 1, 0 }, [4, 1]);
        double loss = double.PositiveInfinity;
        for (int step = 0; step < steps; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var l = torch.nn.functional.mse_loss(model.call(x), y);
            l.backward();
            optimizer.step();
            loss = l.item<double>();
        }

        return loss;
    }
}
