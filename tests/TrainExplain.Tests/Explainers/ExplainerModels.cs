using TorchSharp.Modules;

namespace TrainExplain.Tests.Explainers;

/// <summary>Small models whose explanations have closed forms.</summary>
internal static class ExplainerModels
{
    /// <summary>y = W flatten(x) + b, with W [classes, C*H*W] and b given.</summary>
    internal static Sequential Linear(float[] weight, float[] bias, int classes)
    {
        var model = nn.Sequential(("flatten", nn.Flatten()), ("fc", nn.Linear(weight.Length / classes, classes)));
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
    internal static Sequential GapLinear() => nn.Sequential(
        ("conv", nn.Conv2d(1, 4, 3, padding: 1)),
        ("relu", nn.ReLU()),
        ("gap", new GlobalAveragePool()),
        ("fc", nn.Linear(4, 3)));

    /// <summary>A small ConvNet with nested blocks, for completeness and layer naming.</summary>
    internal static Sequential NestedConvNet(bool bias = true) => nn.Sequential(
        ("features", nn.Sequential(
            ("conv1", nn.Conv2d(1, 4, 3, padding: 1, bias: bias)),
            ("relu1", nn.ReLU()),
            ("conv2", nn.Conv2d(4, 6, 3, bias: bias)),
            ("relu2", nn.ReLU()))),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(6 * 6 * 6, 3, hasBias: bias)));

    /// <summary>conv -> tanh -> flatten -> linear: a smooth network, whose path integrand has no kinks.</summary>
    internal static Sequential SmoothConvNet() => nn.Sequential(
        ("conv", nn.Conv2d(1, 4, 3)),
        ("tanh", nn.Tanh()),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(4 * 6 * 6, 3)));

    /// <summary>Mean over (h, w): [N, K, h, w] to [N, K].</summary>
    internal sealed class GlobalAveragePool() : nn.Module<Tensor, Tensor>(nameof(GlobalAveragePool))
    {
        public override Tensor forward(Tensor input) => input.mean([2L, 3L]);
    }

    /// <summary>One logit, S(x) = sum(a * x^2), in float64: the integrated gradients integral has a closed form.</summary>
    internal sealed class Quadratic : nn.Module<Tensor, Tensor>
    {
        private readonly Tensor a;

        public Quadratic(double[] coefficients, long[] shape) : base(nameof(Quadratic))
        {
            a = torch.tensor(coefficients, shape).DetachFromDisposeScope();
            register_buffer("a", a);
        }

        public override Tensor forward(Tensor input) => (input.square() * a).flatten(1).sum([1L], keepdim: true);
    }
}
