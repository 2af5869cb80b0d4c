using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Functional;

/// <summary>dropout (identity in eval, inverted dropout in training) and linear (x W^T + b) by their definitions.</summary>
public sealed class DropoutAndLinearTests
{
    [Fact]
    public void Dropout_outside_training_returns_the_input_values()
    {
        using var scope = torch.NewDisposeScope();
        double[] values = TensorAssert.RandomValues(100, seed: 31);

        var y = torch.nn.functional.dropout(torch.tensor(values), 0.5, training: false);

        TensorAssert.Close(values, y, 0, 0);
    }

    [Fact]
    public void Dropout_in_training_zeroes_about_p_and_scales_the_rest_by_one_over_one_minus_p()
    {
        using var scope = torch.NewDisposeScope();
        const int Count = 100_000;
        const double P = 0.3;
        // The zero fraction is binomial: standard deviation sqrt(p (1 - p) / n) = 0.00145; allow 5 of them.
        const double FractionTolerance = 5 * 0.00145;
        torch.manual_seed(7);
        var x = torch.full([Count], 2.0, ScalarType.Float64);

        double[] y = torch.nn.functional.dropout(x, P, training: true).data<double>();

        double zeros = y.Count(v => v == 0) / (double)Count;
        Assert.InRange(zeros, P - FractionTolerance, P + FractionTolerance);
        Assert.All(y.Where(v => v != 0), v => Assert.Equal(2 / (1 - P), v, 1e-12));
    }

    [Fact]
    public void Dropout_gradient_is_the_mask_scaled_by_one_over_one_minus_p()
    {
        using var scope = torch.NewDisposeScope();
        const double P = 0.5;
        var x = torch.ones([1000], ScalarType.Float64).requires_grad_();
        var y = torch.nn.functional.dropout(x, P, training: true);
        y.sum().backward();

        // With x = 1 the output is the scaled mask itself, and so is the gradient.
        TensorAssert.Close(y.data<double>(), x.grad!, 0, 0);
    }

    [Fact]
    public void Linear_is_x_times_the_transposed_weight_plus_bias()
    {
        using var scope = torch.NewDisposeScope();
        // x = [[1, 2], [3, -1]], W = [[1, 0], [2, -1], [0.5, 3]], b = [0.5, 0, -1]:
        // row 1: (1 + 0.5, 2 - 2, 0.5 + 6 - 1) = (1.5, 0, 5.5); row 2: (3 + 0.5, 6 + 1, 1.5 - 3 - 1) = (3.5, 7, -2.5).
        var x = torch.tensor(new double[] { 1, 2, 3, -1 }, [2, 2]);
        var w = torch.tensor(new double[] { 1, 0, 2, -1, 0.5, 3 }, [3, 2]);
        var b = torch.tensor(new double[] { 0.5, 0, -1 });

        TensorAssert.Close([1.5, 0, 5.5, 3.5, 7, -2.5], torch.nn.functional.linear(x, w, b));
        TensorAssert.Close([1, 0, 6.5, 3, 7, -1.5], torch.nn.functional.linear(x, w));
    }

    [Fact]
    public void Linear_gradients_are_the_outer_products_of_the_upstream_gradient()
    {
        using var scope = torch.NewDisposeScope();
        // y = sum(x W^T + b): dy/dW[o, i] = sum_n x[n, i], dy/db[o] = N, dy/dx[n, i] = sum_o W[o, i].
        var x = torch.tensor(new double[] { 1, 2, 3, -1 }, [2, 2]);
        var w = torch.tensor(new double[] { 1, 0, 2, -1, 0.5, 3 }, [3, 2]).requires_grad_();
        var b = torch.tensor(new double[] { 0.5, 0, -1 }).requires_grad_();
        x.requires_grad = true;
        torch.nn.functional.linear(x, w, b).sum().backward();

        TensorAssert.Close([4, 1, 4, 1, 4, 1], w.grad!);
        TensorAssert.Close([2, 2, 2], b.grad!);
        TensorAssert.Close([3.5, 2, 3.5, 2], x.grad!);
    }
}
