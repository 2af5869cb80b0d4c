namespace TrainExplain.Torch.Tests.Core;

/// <summary>
/// Each bad input gives an exception whose message says what was wrong and what was expected (libtorch's own message,
/// without its C++ backtrace, where libtorch detects it), and the failed call leaves no native tensor behind.
/// </summary>
public sealed class BadInputTests
{
    [Fact]
    public void An_int64_input_to_conv2d_names_both_scalar_types()
    {
        using var scope = torch.NewDisposeScope();
        var input = torch.ones([1, 2, 4, 4], ScalarType.Int64);
        var weight = torch.ones([3, 2, 3, 3]);

        var e = ThrowsWithoutLeak<TorchException>(() => torch.nn.functional.conv2d(input, weight));

        Assert.Contains("expected scalar type Long but found Float", e.Message);
    }

    [Fact]
    public void A_conv2d_channel_mismatch_passes_libtorch_message_without_its_backtrace()
    {
        using var scope = torch.NewDisposeScope();
        var input = torch.ones([1, 2, 4, 4]);
        var weight = torch.ones([3, 4, 3, 3]);

        var e = ThrowsWithoutLeak<TorchException>(() => torch.nn.functional.conv2d(input, weight));

        Assert.Equal("Given groups=1, weight of size [3, 4, 3, 3], expected input[1, 2, 4, 4] to have 4 channels, but got 2 channels instead", e.Message.Trim());
    }

    [Fact]
    public void A_matmul_shape_mismatch_names_both_shapes_without_a_backtrace()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones([2, 3]);
        var b = torch.ones([2, 3]);

        var e = ThrowsWithoutLeak<TorchException>(() => a.matmul(b));

        Assert.Contains("mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)", e.Message);
        Assert.DoesNotContain("Exception raised from", e.Message);
        Assert.DoesNotContain("frame #", e.Message);
    }

    [Fact]
    public void Reading_float64_data_as_float_names_both_types()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.ones([2], ScalarType.Float64);

        var e = ThrowsWithoutLeak<ArgumentException>(() => t.data<float>());

        Assert.Contains("Float32", e.Message);
        Assert.Contains("Float64", e.Message);
    }

    [Fact]
    public void Item_of_a_multi_element_tensor_names_its_shape()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.ones([2, 3]);

        var e = ThrowsWithoutLeak<InvalidOperationException>(() => t.item<float>());

        Assert.Contains("one element", e.Message);
        Assert.Contains("[2, 3]", e.Message);
    }

    [Fact]
    public void A_tensor_whose_shape_does_not_hold_the_values_names_both_counts()
    {
        var e = ThrowsWithoutLeak<ArgumentException>(() => torch.tensor(new float[] { 1, 2, 3 }, [2, 2]));

        Assert.Contains("[2, 2] holds 4 elements but 3 values were given", e.Message);
    }

    [Fact]
    public void A_negative_size_is_refused_naming_the_shape()
    {
        var e = ThrowsWithoutLeak<ArgumentException>(() => torch.zeros([2, -1]));

        Assert.Contains("[2, -1]", e.Message);
    }

    [Fact]
    public void An_element_type_without_a_dtype_is_refused_naming_it()
    {
        var e = ThrowsWithoutLeak<NotSupportedException>(() => torch.tensor(new short[] { 1, 2 }));

        Assert.Contains("Int16", e.Message);
    }

    [Fact]
    public void Requiring_grad_on_an_integer_tensor_is_refused_by_libtorch()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.ones([2], ScalarType.Int64);

        var e = ThrowsWithoutLeak<TorchException>(() => t.requires_grad_());

        Assert.Contains("Only Tensors of floating point and complex dtype can require gradients", e.Message);
    }

    [Fact]
    public void Float_class_targets_for_cross_entropy_name_the_expected_type()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.ones([2, 3]);
        var targets = torch.ones([2]);

        var e = ThrowsWithoutLeak<TorchException>(() => torch.nn.functional.cross_entropy(logits, targets));

        Assert.Contains("expected scalar type Long but found Float", e.Message);
    }

    [Fact]
    public void An_out_of_range_class_target_names_the_target()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.ones([2, 3]);
        var targets = torch.tensor(new long[] { 0, 5 });

        var e = ThrowsWithoutLeak<TorchException>(() => torch.nn.functional.cross_entropy(logits, targets));

        Assert.Contains("Target 5 is out of bounds", e.Message);
    }

    [Fact]
    public void A_label_smoothing_outside_zero_to_one_is_refused_by_libtorch()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.ones([2, 3]);
        var targets = torch.tensor(new long[] { 0, 1 });

        var e = ThrowsWithoutLeak<TorchException>(() => torch.nn.functional.cross_entropy(logits, targets, label_smoothing: 1.5));

        Assert.Contains("label_smoothing must be between 0.0 and 1.0", e.Message);
    }

    [Fact]
    public void A_gradient_of_the_wrong_shape_is_refused_when_assigned()
    {
        using var scope = torch.NewDisposeScope();
        var p = torch.zeros([2]).requires_grad_();
        var wrong = torch.ones([3]);

        var e = ThrowsWithoutLeak<TorchException>(() => p.grad = wrong);

        Assert.Contains("[3]", e.Message);
        Assert.Contains("[2]", e.Message);
        Assert.Null(p.grad);
    }

    [Fact]
    public void A_gradient_of_the_wrong_dtype_is_refused_when_assigned()
    {
        using var scope = torch.NewDisposeScope();
        var p = torch.zeros([2]).requires_grad_();
        var wrong = torch.ones([2], ScalarType.Float64);

        var e = ThrowsWithoutLeak<TorchException>(() => p.grad = wrong);

        Assert.Contains("Double", e.Message);
        Assert.Contains("Float", e.Message);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void An_optimizer_refuses_a_negative_or_non_finite_learning_rate(double lr)
    {
        using var scope = torch.NewDisposeScope();
        var p = torch.zeros([2]).requires_grad_();

        var sgd = ThrowsWithoutLeak<ArgumentOutOfRangeException>(() => torch.optim.SGD([p], lr));
        var adam = ThrowsWithoutLeak<ArgumentOutOfRangeException>(() => torch.optim.Adam([p], lr));

        Assert.Contains("learning rate must be zero or positive, and finite", sgd.Message);
        Assert.Contains("learning rate must be zero or positive, and finite", adam.Message);
    }

    [Fact]
    public void Optimizer_hyperparameters_out_of_range_are_refused_naming_the_values()
    {
        using var scope = torch.NewDisposeScope();
        var p = torch.zeros([2]).requires_grad_();

        Assert.Contains("-0.5", ThrowsWithoutLeak<ArgumentOutOfRangeException>(() => torch.optim.SGD([p], 0.1, momentum: -0.5)).Message);
        Assert.Contains("Nesterov", ThrowsWithoutLeak<ArgumentException>(() => torch.optim.SGD([p], 0.1, nesterov: true)).Message);
        Assert.Contains("(1, 0.999)", ThrowsWithoutLeak<ArgumentOutOfRangeException>(() => torch.optim.Adam([p], beta1: 1)).Message);
    }

    [Fact]
    public void An_optimizer_refuses_a_parameter_that_does_not_require_grad()
    {
        using var scope = torch.NewDisposeScope();
        var frozen = torch.zeros([2]);

        var e = ThrowsWithoutLeak<ArgumentException>(() => torch.optim.SGD([frozen], 0.1));

        Assert.Contains("does not require grad", e.Message);
    }

    [Fact]
    public void A_tensor_freed_by_its_dispose_scope_throws_ObjectDisposedException()
    {
        Tensor t;
        using (torch.NewDisposeScope())
        {
            t = torch.ones([2]);
        }

        var e = ThrowsWithoutLeak<ObjectDisposedException>(() => t * 2.0);

        Assert.True(t.IsDisposed);
        Assert.Contains("disposed", e.Message);
    }

    [Fact]
    public void A_disposed_module_cannot_run()
    {
        using var scope = torch.NewDisposeScope();
        var model = torch.nn.Linear(2, 1);
        var input = torch.ones([1, 2]);
        model.Dispose();

        ThrowsWithoutLeak<ObjectDisposedException>(() => model.call(input));
    }

    [Fact]
    public void A_failed_model_forward_inside_a_scope_leaves_the_count_at_its_baseline()
    {
        using var model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU());
        long baseline = torch.live_tensor_count();

        using (torch.NewDisposeScope())
        {
            var e = Assert.Throws<TorchException>(() => model.call(torch.ones([1, 2, 5, 5])));
            Assert.Contains("to have 3 channels, but got 2 channels", e.Message);
        }

        Assert.Equal(baseline, torch.live_tensor_count());
    }

    // Runs the failing call and checks that it created no native tensor (its inputs are made before the baseline).
    private static TException ThrowsWithoutLeak<TException>(Func<object?> call) where TException : Exception
    {
        long baseline = torch.live_tensor_count();
        var e = Assert.Throws<TException>(call);
        Assert.Equal(baseline, torch.live_tensor_count());
        return e;
    }
}
