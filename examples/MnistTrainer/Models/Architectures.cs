using static TorchSharp.torch;

namespace MnistTrainer.Models;

/// <summary>The example's model architectures by their command-line names.</summary>
public static class Architectures
{
    /// <summary>The names accepted by <c>--arch</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["simple", "deep"];

    /// <summary>A freshly initialized model of the named architecture.</summary>
    /// <exception cref="ArgumentException">The name is unknown.</exception>
    public static nn.Module<Tensor, Tensor> Create(string name) => name switch
    {
        "simple" => new SimpleConvNet(),
        "deep" => new DeepConvNet(),
        _ => throw new ArgumentException($"Unknown architecture '{name}': expected one of {string.Join(", ", Names)}."),
    };
}
