using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Functional;

/// <summary>
/// conv2d, max_pool2d, avg_pool2d and adaptive_avg_pool2d against the plain loops of <see cref="PlainLoops"/> on tiny
/// random float64 inputs; the tolerance is <see cref="TensorAssert.Float64Relative"/> relative plus
/// <see cref="TensorAssert.Float64Absolute"/> absolute (sums of at most a few dozen products of values in [-1, 1)).
/// </summary>
public sealed class ConvolutionAndPoolingTests
{
    private static readonly (int N, int C, int H, int W) Shape = (2, 3, 5, 6);

    [Theory]
    [InlineData(1, 0, true)]
    [InlineData(2, 1, true)]
    [InlineData(2, 2, false)]
    [InlineData(3, 1, true)]
    public void Conv2d_equals_the_plain_loop_for_stride_padding_and_bias(int stride, int padding, bool withBias)
    {
        using var scope = torch.NewDisposeScope();
        const int Out = 4, Kernel = 3;
        double[] x = Input(seed: 1);
        double[] w = TensorAssert.RandomValues(Out * Shape.C * Kernel * Kernel, seed: 2);
        double[]? b = withBias ? TensorAssert.RandomValues(Out, seed: 3) : null;

        var y = torch.nn.functional.conv2d(InputTensor(x), torch.tensor(w, [Out, Shape.C, Kernel, Kernel]),
            b is null ? null : torch.tensor(b), stride, padding);

        int ho = PlainLoops.OutputSize(Shape.H, Kernel, stride, padding), wo = PlainLoops.OutputSize(Shape.W, Kernel, stride, padding);
        Assert.Equal([Shape.N, Out, ho, wo], y.shape);
        TensorAssert.Close(PlainLoops.Conv2d(x, Shape, w, Out, Kernel, b, stride, padding), y);
    }

    [Fact]
    public void Conv2d_with_dilation_equals_the_plain_loop()
    {
        using var scope = torch.NewDisposeScope();
        const int Out = 2, Kernel = 2, Dilation = 2;
        double[] x = Input(seed: 4), w = TensorAssert.RandomValues(Out * Shape.C * Kernel * Kernel, seed: 5);

        var y = torch.nn.functional.conv2d(InputTensor(x), torch.tensor(w, [Out, Shape.C, Kernel, Kernel]), null, 1, 1, Dilation);

        TensorAssert.Close(PlainLoops.Conv2d(x, Shape, w, Out, Kernel, null, 1, 1, Dilation), y);
    }

    [Fact]
    public void Conv2d_gradients_of_input_weight_and_bias_equal_the_chain_rule_by_loops()
    {
        using var scope = torch.NewDisposeScope();
        const int Out = 4, Kernel = 3, Stride = 2, Padding = 1;
        double[] x = Input(seed: 6), w = TensorAssert.RandomValues(Out * Shape.C * Kernel * Kernel, seed: 7);
        var input = InputTensor(x).requires_grad_();
        var weight = torch.tensor(w, [Out, Shape.C, Kernel, Kernel]).requires_grad_();
        var bias = torch.tensor(TensorAssert.RandomValues(Out, seed: 8)).requires_grad_();
        var y = torch.nn.functional.conv2d(input, weight, bias, Stride, Padding);
        double[] g = TensorAssert.RandomValues((int)y.numel(), seed: 9);

        // d sum(y * g) / d(x, w, b).
        (y * torch.tensor(g, y.shape)).sum().backward();

        var (gx, gw) = PlainLoops.Conv2dBackward(x, Shape, w, Out, Kernel, g, Stride, Padding);
        TensorAssert.Close(gx, input.grad!);
        TensorAssert.Close(gw, weight.grad!);
        int perChannel = (int)(y.numel() / Out / Shape.N);
        double[] gb = [.. Enumerable.Range(0, Out).Select(o =>
            Enumerable.Range(0, Shape.N).Sum(n => g.Skip((n * Out + o) * perChannel).Take(perChannel).Sum()))];
        TensorAssert.Close(gb, bias.grad!);
    }

    [Fact]
    public void Grouped_conv2d_convolves_each_channel_group_with_its_own_filters()
    {
        using var scope = torch.NewDisposeScope();
        // groups = 2 on 4 input channels and 6 output channels: outputs 0-2 see inputs 0-1, outputs 3-5 see inputs 2-3.
        const int Groups = 2, In = 4, Out = 6, Kernel = 3, PerGroupIn = In / Groups, PerGroupOut = Out / Groups;
        var shape = (N: 1, C: In, H: 4, W: 5);
        double[] x = TensorAssert.RandomValues(In * 4 * 5, seed: 16), w = TensorAssert.RandomValues(Out * PerGroupIn * Kernel * Kernel, seed: 17);

        var y = torch.nn.functional.conv2d(torch.tensor(x, [1, In, 4, 5]), torch.tensor(w, [Out, PerGroupIn, Kernel, Kernel]), null, 1, 1, 1, Groups);

        int inSlice = PerGroupIn * 4 * 5, wSlice = PerGroupOut * PerGroupIn * Kernel * Kernel;
        double[] expected = [.. Enumerable.Range(0, Groups).SelectMany(g => PlainLoops.Conv2d(x[(g * inSlice)..((g + 1) * inSlice)],
            (1, PerGroupIn, shape.H, shape.W), w[(g * wSlice)..((g + 1) * wSlice)], PerGroupOut, Kernel, null, 1, 1))];
        TensorAssert.Close(expected, y);
    }

    [Theory]
    [InlineData(2, 2, 0)]
    [InlineData(3, 2, 1)]
    [InlineData(3, 1, 1)]
    public void Max_pool2d_equals_the_plain_loop(int kernel, int stride, int padding)
    {
        using var scope = torch.NewDisposeScope();
        double[] x = Input(seed: 10);

        var y = torch.nn.functional.max_pool2d(InputTensor(x), kernel, stride, padding);

        TensorAssert.Close(PlainLoops.MaxPool2d(x, Shape, kernel, stride, padding).Values, y, 0, 0);
    }

    [Fact]
    public void Max_pool2d_routes_each_upstream_gradient_to_the_argmax_of_its_window()
    {
        using var scope = torch.NewDisposeScope();
        const int Kernel = 3, Stride = 2, Padding = 1;
        double[] x = Input(seed: 12);
        var input = InputTensor(x).requires_grad_();
        var y = torch.nn.functional.max_pool2d(input, Kernel, Stride, Padding);
        double[] g = TensorAssert.RandomValues((int)y.numel(), seed: 13);

        (y * torch.tensor(g, y.shape)).sum().backward();

        // Overlapping windows may share an argmax: its gradient is the sum of theirs; every other input gets zero.
        int[] argMax = PlainLoops.MaxPool2d(x, Shape, Kernel, Stride, Padding).ArgMax;
        double[] expected = new double[x.Length];
        for (int i = 0; i < argMax.Length; i++)
        {
            expected[argMax[i]] += g[i];
        }

        TensorAssert.Close(expected, input.grad!);
    }

    [Theory]
    [InlineData(2, 2, 0, true)]
    [InlineData(3, 2, 1, true)]
    [InlineData(3, 2, 1, false)]
    public void Avg_pool2d_equals_the_plain_loop(int kernel, int stride, int padding, bool countIncludePad)
    {
        using var scope = torch.NewDisposeScope();
        double[] x = Input(seed: 14);

        var y = torch.nn.functional.avg_pool2d(InputTensor(x), kernel, stride, padding, count_include_pad: countIncludePad);

        TensorAssert.Close(PlainLoops.AvgPool2d(x, Shape, kernel, stride, padding, countIncludePad), y);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 4)]
    [InlineData(5, 6)]
    public void Adaptive_avg_pool2d_equals_the_plain_loop_with_overlapping_windows(int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        double[] x = Input(seed: 15);

        var y = torch.nn.functional.adaptive_avg_pool2d(InputTensor(x), height, width);

        Assert.Equal([Shape.N, Shape.C, height, width], y.shape);
        TensorAssert.Close(PlainLoops.AdaptiveAvgPool2d(x, Shape, height, width), y);
    }

    private static double[] Input(int seed) => TensorAssert.RandomValues(Shape.N * Shape.C * Shape.H * Shape.W, seed);

    private static Tensor InputTensor(double[] x) => torch.tensor(x, [Shape.N, Shape.C, Shape.H, Shape.W]);
}
