using TrainExplain.Torch.Modules;
using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Nn;

/// <summary>train/eval reach every descendant; forward hooks see the output, may replace it and go away with their handle; zero_grad.</summary>
public sealed class ModuleModeAndHookTests
{
    [Fact]
    public void Eval_and_train_propagate_to_every_descendant()
    {
        using var model = TestModels.NamedConvNet();
        Assert.All(model.named_modules(), m => Assert.True(m.module.training));

        model.eval();
        Assert.All(model.named_modules(), m => Assert.False(m.module.training, m.name));

        model.train();
        Assert.All(model.named_modules(), m => Assert.True(m.module.training, m.name));
    }

    [Fact]
    public void Dropout_module_is_the_identity_in_eval_mode_only()
    {
        using var scope = torch.NewDisposeScope();
        using var model = torch.nn.Sequential(torch.nn.Dropout(0.5));
        var x = torch.ones([1000], ScalarType.Float64);

        Assert.Contains(0.0, model.call(x).data<double>());
        model.eval();
        TensorAssert.Close(x.data<double>(), model.call(x), 0, 0);
    }

    [Fact]
    public void A_forward_hook_sees_the_module_input_and_output_until_its_handle_is_disposed()
    {
        using var scope = torch.NewDisposeScope();
        using var model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU());
        var relu = model[1];
        var calls = new List<(Module Module, double[] Input, double[] Output)>();
        var handle = relu.register_forward_hook((module, input, output) =>
        {
            calls.Add((module, input.to(ScalarType.Float64).data<double>(), output.to(ScalarType.Float64).data<double>()));
            return null;
        });
        var x = torch.tensor(new float[] { 1, -1 }, [1, 2]);

        var y = model.call(x);
        handle.Dispose();
        model.call(x);

        var call = Assert.Single(calls);
        Assert.Same(relu, call.Module);
        Assert.Equal(call.Input.Select(v => Math.Max(v, 0)), call.Output);
        Assert.Equal(y.to(ScalarType.Float64).data<double>(), call.Output);
    }

    [Fact]
    public void A_forward_hook_that_returns_a_tensor_replaces_the_output()
    {
        using var scope = torch.NewDisposeScope();
        using var model = torch.nn.Sequential(torch.nn.ReLU());
        using var handle = model.register_forward_hook((_, _, output) => output * 10.0);

        var y = model.call(torch.tensor(new double[] { -1, 2 }));

        TensorAssert.Close([0, 20], y);
    }

    [Fact]
    public void Removing_a_hook_twice_is_harmless_and_other_hooks_stay()
    {
        using var scope = torch.NewDisposeScope();
        using var model = torch.nn.Sequential(torch.nn.ReLU());
        int first = 0, second = 0;
        var handle = model.register_forward_hook((_, _, _) => { first++; return null; });
        using var other = model.register_forward_hook((_, _, _) => { second++; return null; });

        handle.remove();
        handle.remove();
        model.call(torch.ones([1]));

        Assert.Equal((0, 1), (first, second));
    }

    [Fact]
    public void Zero_grad_clears_the_gradient_of_every_parameter()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.NamedConvNet();
        model.call(torch.randn(TestModels.ConvNetInput)).sum().backward();
        Assert.All(model.parameters(), p => Assert.NotNull(p.grad));

        model.zero_grad();

        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }
}
