using TorchSharp.Modules;

namespace TrainExplain.Tests.UserModels;

/// <summary>
/// Models written the way TorchSharp users write them, not by this project: 1-channel images of any size of at least
/// 4x4 (global average pooling before the classifier), 3 classes, seeded weights.
/// </summary>
internal static class UserModelZoo
{
    /// <summary>The number of classes of every model here.</summary>
    internal const int Classes = 3;

    /// <summary>The kinds every explainer, ExplainerSet, callback and Trainer.Fit are tested on.</summary>
    internal static TheoryData<string> Kinds => ["sequential", "blocks", "own-scope", "forward-order"];

    /// <summary>A model of <paramref name="kind"/> with weights drawn from <paramref name="seed"/>.</summary>
    internal static nn.Module<Tensor, Tensor> Create(string kind, long seed = 1)
    {
        torch.manual_seed(seed);
        return kind switch
        {
            "sequential" => NamedSequential(),
            "blocks" => new BlockNet(),
            "own-scope" => new OwnScopeNet(),
            "forward-order" => new ForwardOrderNet(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such model"),
        };
    }

    /// <summary>An <c>nn.Sequential</c> of named children with BatchNorm.</summary>
    internal static Sequential NamedSequential() => nn.Sequential(
        ("conv1", nn.Conv2d(1, 4, 3, padding: 1)),
        ("bn1", nn.BatchNorm2d(4)),
        ("relu1", nn.ReLU()),
        ("conv2", nn.Conv2d(4, 6, 3, padding: 1)),
        ("relu2", nn.ReLU()),
        ("pool", nn.AdaptiveAvgPool2d(1)),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(6, Classes)));

    /// <summary>
    /// Gives every BatchNorm2d running statistics unlike the defaults (mean 0, variance 1), so that eval mode and
    /// train mode differ and FullGrad's implicit BatchNorm bias is not zero.
    /// </summary>
    internal static void RandomizeBatchNormStatistics(nn.Module model, long seed = 2)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var generator = new torch.Generator(unchecked((ulong)seed));
        foreach (var norm in model.modules().OfType<BatchNorm2d>())
        {
            norm.running_mean!.copy_(torch.randn(norm.running_mean.shape, generator: generator) * 0.2);
            norm.running_var!.copy_(torch.rand(norm.running_var.shape, generator: generator) + 0.5);
        }
    }
}
