using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Nn;

/// <summary>The pooling and loss modules give the same values as the plain loops and formulas (float64 inputs).</summary>
public sealed class PoolingAndLossModuleTests
{
    private static readonly (int N, int C, int H, int W) Shape = (1, 2, 5, 5);

    [Theory]
    [InlineData(2, null, 0)]
    [InlineData(3, 2L, 1)]
    public void AvgPool2d_module_equals_the_plain_loop_counting_padding(int kernel, long? stride, int padding)
    {
        using var scope = torch.NewDisposeScope();
        double[] x = TensorAssert.RandomValues(50, seed: 41);
        using var pool = torch.nn.AvgPool2d(kernel, stride, padding);

        var y = pool.call(torch.tensor(x, [1, 2, 5, 5]));

        TensorAssert.Close(PlainLoops.AvgPool2d(x, Shape, kernel, (int)(stride ?? kernel), padding, countIncludePad: true), y);
    }

    [Fact]
    public void MaxPool2d_module_equals_the_plain_loop()
    {
        using var scope = torch.NewDisposeScope();
        double[] x = TensorAssert.RandomValues(50, seed: 42);
        using var pool = torch.nn.MaxPool2d(3, 2, 1);

        var y = pool.call(torch.tensor(x, [1, 2, 5, 5]));

        TensorAssert.Close(PlainLoops.MaxPool2d(x, Shape, 3, 2, 1).Values, y, 0, 0);
    }

    [Fact]
    public void AdaptiveAvgPool2d_module_gives_the_requested_size_from_any_input_size()
    {
        using var scope = torch.NewDisposeScope();
        double[] x = TensorAssert.RandomValues(50, seed: 43);
        using var pool = torch.nn.AdaptiveAvgPool2d(2, 3);

        var y = pool.call(torch.tensor(x, [1, 2, 5, 5]));

        Assert.Equal([1L, 2, 2, 3], y.shape);
        TensorAssert.Close(PlainLoops.AdaptiveAvgPool2d(x, Shape, 2, 3), y);
    }

    [Fact]
    public void CrossEntropyLoss_module_is_the_mean_negative_log_softmax_of_the_targets()
    {
        using var scope = torch.NewDisposeScope();
        double[] logits = [2, 0, -1, 0.5, 0.5, 3];
        double[] p = Formulas.Softmax(logits, 3);
        var loss = torch.nn.CrossEntropyLoss();

        var value = loss.call(torch.tensor(logits, [2, 3]), torch.tensor(new long[] { 0, 2 }));

        TensorAssert.Close([-(Math.Log(p[0]) + Math.Log(p[5])) / 2], value.reshape(1));
    }

    [Fact]
    public void CrossEntropyLoss_module_passes_reduction_and_label_smoothing()
    {
        using var scope = torch.NewDisposeScope();
        double[] logits = [2, 0, -1, 0.5, 0.5, 3];
        double[] p = Formulas.Softmax(logits, 3);
        var loss = torch.nn.CrossEntropyLoss(Reduction.None, label_smoothing: 0.3);

        var value = loss.call(torch.tensor(logits, [2, 3]), torch.tensor(new long[] { 0, 2 }));

        // q = 0.7 onehot + 0.1 for each of the 3 classes.
        double Smoothed(int n, int target) => -Enumerable.Range(0, 3).Sum(k => ((k == target ? 0.7 : 0) + 0.1) * Math.Log(p[n * 3 + k]));
        TensorAssert.Close([Smoothed(0, 0), Smoothed(1, 2)], value);
    }

    [Fact]
    public void CrossEntropyLoss_module_refuses_targets_that_are_not_int64_class_indices()
    {
        using var scope = torch.NewDisposeScope();
        var loss = torch.nn.CrossEntropyLoss();

        var e = Assert.Throws<ArgumentException>(() => loss.call(torch.zeros([2, 3]), torch.zeros([2], ScalarType.Int32)));

        Assert.Contains("int64", e.Message);
        Assert.Contains("Int32", e.Message);
    }

    [Fact]
    public void MSELoss_module_is_the_mean_squared_error_and_honours_the_reduction()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new double[] { 1, 2, 3 });
        var b = torch.tensor(new double[] { 1, 0, 6 });

        // Differences (0, 2, -3): squares 0, 4, 9.
        TensorAssert.Close([13.0 / 3], torch.nn.MSELoss().call(a, b).reshape(1));
        TensorAssert.Close([13], torch.nn.MSELoss(Reduction.Sum).call(a, b).reshape(1));
    }
}
