using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Autograd;

/// <summary>torch.autograd.grad: derivatives with respect to leaves and intermediate activations, by hand.</summary>
public sealed class AutogradGradTests
{
    [Fact]
    public void Grad_with_respect_to_an_intermediate_activation_is_two_relu_of_it()
    {
        using var scope = torch.NewDisposeScope();
        // h = W x = (1 - 2, 3 + 0.5, -0.5 - 1) = (-1, 3.5, -1.5); y = sum(relu(h)^2); dy/dh = 2 relu(h) = (0, 7, 0).
        var w = torch.tensor(new double[] { 1, 1, 3, -0.25, -0.5, 0.5 }, [3, 2]).requires_grad_();
        var x = torch.tensor(new double[] { 1, -2 }, [2, 1]);
        var h = w.matmul(x);
        var y = h.relu().square().sum();

        var dh = torch.autograd.grad(y, h);

        TensorAssert.Close([0, 7, 0], dh.reshape(3));
        Assert.Null(w.grad);
    }

    [Fact]
    public void Grad_of_several_outputs_weights_them_by_grad_outputs()
    {
        using var scope = torch.NewDisposeScope();
        // y1 = a * b, y2 = a^2 with vectors v1, v2: d/da = v1 b + 2 v2 a, d/db = v1 a.
        double[] a = [1, -2, 3], b = [0.5, 4, -1], v1 = [1, 2, 3], v2 = [-1, 0.5, 2];
        var ta = torch.tensor(a).requires_grad_();
        var tb = torch.tensor(b).requires_grad_();
        var y1 = ta * tb;
        var y2 = ta.square();

        var grads = torch.autograd.grad([y1, y2], [ta, tb], [torch.tensor(v1), torch.tensor(v2)]);

        TensorAssert.Close([.. a.Select((ai, i) => v1[i] * b[i] + 2 * v2[i] * ai)], grads[0]!);
        TensorAssert.Close([.. a.Select((ai, i) => v1[i] * ai)], grads[1]!);
    }

    [Fact]
    public void Retain_graph_allows_a_second_grad_through_the_same_graph()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2 }).requires_grad_();
        var y = x.pow(3).sum();

        var first = torch.autograd.grad([y], [x], retain_graph: true)[0]!;
        var second = torch.autograd.grad([y], [x])[0]!;

        TensorAssert.Close([3, 12], first);
        TensorAssert.Close([3, 12], second);
    }

    [Fact]
    public void A_second_backward_through_a_freed_graph_is_a_clear_TorchException()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2 }).requires_grad_();
        var y = x.pow(3).sum();
        _ = torch.autograd.grad(y, x);

        var e = Assert.Throws<TorchException>(() => torch.autograd.grad(y, x));

        Assert.Contains("backward through the graph a second time", e.Message);
        Assert.DoesNotContain("Exception raised from", e.Message);
    }

    [Fact]
    public void Create_graph_gives_the_second_derivative_of_x_cubed_as_six_x()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { -1, 0.5, 2 }).requires_grad_();
        var first = torch.autograd.grad(x.pow(3).sum(), x, create_graph: true);

        var second = torch.autograd.grad(first.sum(), x);

        TensorAssert.Close([3, 0.75, 12], first);
        TensorAssert.Close([-6, 3, 12], second);
    }

    [Fact]
    public void Allow_unused_gives_null_for_an_input_the_output_does_not_depend_on()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2 }).requires_grad_();
        var unused = torch.tensor(new double[] { 3 }).requires_grad_();

        var grads = torch.autograd.grad([(x * x).sum()], [x, unused], allow_unused: true);

        TensorAssert.Close([2, 4], grads[0]!);
        Assert.Null(grads[1]);
    }

    [Fact]
    public void Without_allow_unused_an_unused_input_is_a_TorchException()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2 }).requires_grad_();
        var unused = torch.tensor(new double[] { 3 }).requires_grad_();

        var e = Assert.Throws<TorchException>(() => torch.autograd.grad([(x * x).sum()], [x, unused]));

        Assert.Contains("not have been used in the graph", e.Message);
    }

    [Fact]
    public void Grad_of_a_non_scalar_output_without_grad_outputs_is_a_TorchException()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2 }).requires_grad_();

        var e = Assert.Throws<TorchException>(() => torch.autograd.grad(x * x, x));

        Assert.Contains("grad can be implicitly created only for scalar outputs", e.Message);
    }

    [Fact]
    public void A_failed_grad_leaves_no_native_tensor_behind()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2 }).requires_grad_();
        var unused = torch.tensor(new double[] { 3 }).requires_grad_();
        var y = (x * x).sum();
        long baseline = torch.live_tensor_count();

        Assert.Throws<TorchException>(() => torch.autograd.grad([y], [x, unused]));

        Assert.Equal(baseline, torch.live_tensor_count());
    }
}
