using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Functional;

/// <summary>softmax and log_softmax against exp(x_i - max) / sum_j exp(x_j - max), computed here in double precision.</summary>
public sealed class SoftmaxTests
{
    [Fact]
    public void Softmax_of_each_row_is_the_normalized_exponential()
    {
        using var scope = torch.NewDisposeScope();
        double[] logits = [1, 2, 3, -1, 0, 0.5];
        var x = torch.tensor(logits, [2, 3]);

        TensorAssert.Close(Formulas.Softmax(logits, 3), torch.nn.functional.softmax(x, 1));
        TensorAssert.Close([.. Formulas.Softmax(logits, 3).Select(p => Math.Log(p))], torch.nn.functional.log_softmax(x, 1));
    }

    [Fact]
    public void Softmax_along_the_first_dimension_normalizes_the_columns()
    {
        using var scope = torch.NewDisposeScope();
        // Columns of [[1, 2, 3], [-1, 0, 0.5]] are (1, -1), (2, 0), (3, 0.5).
        var x = torch.tensor(new double[] { 1, 2, 3, -1, 0, 0.5 }, [2, 3]);
        double[] columns = Formulas.Softmax([1, -1, 2, 0, 3, 0.5], 2);
        double[] expected = [columns[0], columns[2], columns[4], columns[1], columns[3], columns[5]];

        TensorAssert.Close(expected, torch.nn.functional.softmax(x, 0));
    }

    [Fact]
    public void Softmax_of_huge_logits_is_finite_and_shift_invariant()
    {
        using var scope = torch.NewDisposeScope();
        // exp(1000) overflows a double: only the max-shifted formula gives softmax(1000, 1001, 1002) = softmax(0, 1, 2).
        var x = torch.tensor(new double[] { 1000, 1001, 1002, -1000, -1001, -1002 }, [2, 3]);
        double[] expected = [.. Formulas.Softmax([0, 1, 2], 3), .. Formulas.Softmax([0, -1, -2], 3)];

        TensorAssert.Close(expected, torch.nn.functional.softmax(x, 1));
    }

    [Fact]
    public void Log_softmax_of_far_apart_logits_keeps_the_tiny_log_probability()
    {
        using var scope = torch.NewDisposeScope();
        // log_softmax(0, -1000) = (-log(1 + e^-1000), -1000 - log(1 + e^-1000)) = (0, -1000) in double precision;
        // log(softmax) would give log(0) = -inf for the second entry.
        var x = torch.tensor(new double[] { 0, -1000 }, [1, 2]);

        TensorAssert.Close([0, -1000], torch.nn.functional.log_softmax(x, 1));
    }

    [Fact]
    public void Float32_softmax_of_large_logits_matches_the_double_formula()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { 100, 90, 80 }, [1, 3]);

        TensorAssert.Close(Formulas.Softmax([100, 90, 80], 3), torch.nn.functional.softmax(x, 1).data<float>(), TensorAssert.Float32Absolute);
    }
}
