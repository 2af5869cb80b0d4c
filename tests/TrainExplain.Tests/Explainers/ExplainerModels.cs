using TrainExplain.Torch;
using TrainExplain.Torch.Modules;

namespace TrainExplain.Tests.Explainers;

/// <summary>Small models whose explanations have closed forms.</summary>
internal static class ExplainerModels
{
    /// <summary>y = W flatten(x) + b, with W [classes, C*H*W] and b given.</summary>
    internal static Module Linear(float[] weight, float[] bias, int classes)
    {
        var model = torch.nn.Sequential(("flatten", torch.nn.Flatten()), ("fc", torch.nn.Linear(weight.Length / classes, classes)));
        using var scope = torch.NewDisposeScope();
        model.load_state_dict(new Dictionary<string, Tensor>
        {
            ["fc.weight"] = torch.tensor(weight, [classes, weight.Length / classes]),
            ["fc.bias"] = torch.tensor(bias),
        });
        return model;
    }

    /// <summary>A random float32 array of <paramref name="count"/> values in [-1, 1).</summary>
    internal static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1))];
    }

    /// <summary>conv (biased, padding 1) -> ReLU -> global average pool -> linear: CAM's own architecture.</summary>
    internal static Module GapLinear() => torch.nn.Sequential(
        ("conv", torch.nn.Conv2d(1, 4, 3, padding: 1)),
        ("relu", torch.nn.ReLU()),
        ("gap", new GlobalAveragePool()),
        ("fc", torch.nn.Linear(4, 3)));

    /// <summary>A small ConvNet with nested blocks, for completeness and layer naming.</summary>
    internal static Module NestedConvNet(bool bias = true) => torch.nn.Sequential(
        ("features", torch.nn.Sequential(
            ("conv1", torch.nn.Conv2d(1, 4, 3, padding: 1, bias: bias)),
            ("relu1", torch.nn.ReLU()),
            ("conv2", torch.nn.Conv2d(4, 6, 3, bias: bias)),
            ("relu2", torch.nn.ReLU()))),
        ("flatten", torch.nn.Flatten()),
        ("fc", torch.nn.Linear(6 * 6 * 6, 3, bias: bias)));

    /// <summary>conv -> tanh -> flatten -> linear: a smooth network, whose path integrand has no kinks.</summary>
    internal static Module SmoothConvNet() => torch.nn.Sequential(
        ("conv", torch.nn.Conv2d(1, 4, 3)),
        ("tanh", new Tanh()),
        ("flatten", torch.nn.Flatten()),
        ("fc", torch.nn.Linear(4 * 6 * 6, 3)));

    /// <summary>Hyperbolic tangent.</summary>
    internal sealed class Tanh : Module
    {
        public override Tensor forward(Tensor input) => input.tanh();
    }

    /// <summary>Mean over (h, w): [N, K, h, w] to [N, K].</summary>
    internal sealed class GlobalAveragePool : Module
    {
        public override Tensor forward(Tensor input) => input.mean([2, 3]);
    }

    /// <summary>One logit, S(x) = sum(a * x^2), in float64: the integrated gradients integral has a closed form.</summary>
    internal sealed class Quadratic : Module
    {
        private readonly Tensor a;

        public Quadratic(double[] coefficients, long[] shape)
        {
            a = torch.tensor(coefficients, shape).DetachFromDisposeScope();
            register_buffer("a", a);
        }

        public override Tensor forward(Tensor input) => (input.square() * a).flatten(1).sum([1], keepdim: true);
    }
}
