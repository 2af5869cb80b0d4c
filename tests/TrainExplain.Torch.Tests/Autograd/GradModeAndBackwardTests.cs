using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Autograd;

/// <summary>Grad mode scopes, detach, backward with an explicit gradient, and gradient accumulation.</summary>
public sealed class GradModeAndBackwardTests
{
    [Fact]
    public void No_grad_stops_recording_and_its_end_restores_the_previous_mode()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([2], ScalarType.Float64).requires_grad_();
        Tensor inside;
        using (torch.no_grad())
        {
            Assert.False(torch.is_grad_enabled());
            inside = x * 2;
        }

        Assert.True(torch.is_grad_enabled());
        Assert.False(inside.requires_grad);
        Assert.True((x * 2).requires_grad);
    }

    [Fact]
    public void Enable_grad_inside_no_grad_records_again_until_it_ends()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([2], ScalarType.Float64).requires_grad_();
        using (torch.no_grad())
        {
            using (torch.enable_grad())
            {
                Assert.True(torch.is_grad_enabled());
                Assert.True((x * 2).requires_grad);
            }

            Assert.False(torch.is_grad_enabled());
            Assert.False((x * 2).requires_grad);
        }

        Assert.True(torch.is_grad_enabled());
    }

    [Fact]
    public void Detach_cuts_the_graph_but_shares_the_data()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2 }).requires_grad_();
        var y = x * 3;
        var detached = y.detach();

        Assert.False(detached.requires_grad);
        Assert.True(detached.is_leaf);
        detached.add_(1);
        TensorAssert.Close([4, 7], y, 0, 0);
    }

    [Fact]
    public void Backward_of_a_vector_with_a_gradient_tensor_is_the_vector_Jacobian_product()
    {
        using var scope = torch.NewDisposeScope();
        // y = x * (2, 3) elementwise, v = (10, -1): x.grad = v * (2, 3) = (20, -3).
        var x = torch.tensor(new double[] { 5, 7 }).requires_grad_();
        var y = x * torch.tensor(new double[] { 2, 3 });

        y.backward(torch.tensor(new double[] { 10, -1 }));

        TensorAssert.Close([20, -3], x.grad!);
    }

    [Fact]
    public void Backward_of_a_vector_without_a_gradient_is_a_TorchException()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 5, 7 }).requires_grad_();

        var e = Assert.Throws<TorchException>(() => (x * 2).backward());

        Assert.Contains("only for scalar outputs", e.Message);
    }

    [Fact]
    public void Two_backward_calls_accumulate_into_grad_and_clearing_it_starts_over()
    {
        using var scope = torch.NewDisposeScope();
        // d sum(x^2) / dx = 2x = (2, -4) per call.
        var x = torch.tensor(new double[] { 1, -2 }).requires_grad_();
        x.square().sum().backward();
        x.square().sum().backward();
        TensorAssert.Close([4, -8], x.grad!);

        x.grad = null;
        x.square().sum().backward();

        TensorAssert.Close([2, -4], x.grad!);
    }

    [Fact]
    public void A_second_backward_with_retain_graph_accumulates_and_without_it_fails()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, -2 }).requires_grad_();
        var y = x.pow(3).sum();
        y.backward(retain_graph: true);
        y.backward();

        // 2 * 3 x^2.
        TensorAssert.Close([6, 24], x.grad!);
        Assert.Throws<TorchException>(() => y.backward());
    }

    [Fact]
    public void Intermediate_tensors_are_not_leaves_and_get_no_grad()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2 }).requires_grad_();
        var h = x * 2;
        h.sum().backward();

        Assert.True(x.is_leaf);
        Assert.False(h.is_leaf);
        Assert.Null(h.grad);
        TensorAssert.Close([2, 2], x.grad!);
    }
}
