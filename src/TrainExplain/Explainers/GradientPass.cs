
namespace TrainExplain.Explainers;

/// <summary>
/// The results of one forward+backward pass over a batch that several one-pass methods share (see
/// <see cref="ExplainerSet"/>): targets, scores, dS_c/dx, and each captured layer's output and gradient.
/// </summary>
internal sealed class GradientPass(Tensor classes, Tensor scores, Tensor? inputGradient,
    IReadOnlyDictionary<nn.Module<Tensor, Tensor>, (Tensor Activations, Tensor Gradients)> layers)
{
    /// <summary>The target class of each image, int64 [N].</summary>
    internal Tensor Classes { get; } = classes;

    /// <summary>S_c(x) of each image, [N].</summary>
    internal Tensor Scores { get; } = scores;

    /// <summary>How many methods use this pass.</summary>
    internal int Users { get; init; } = 1;

    /// <summary>Whether this pass holds everything <paramref name="request"/> asks for.</summary>
    internal bool Covers(GradientRequest request) =>
        (!request.InputGradient || inputGradient is not null) && request.Layers.All(layers.ContainsKey);

    /// <summary>dS_c/dx (or an empty tensor when not requested), and the requested layers' outputs and gradients in order.</summary>
    internal (Tensor InputGradient, IReadOnlyList<Tensor> Activations, IReadOnlyList<Tensor> LayerGradients) Select(GradientRequest request) =>
        (request.InputGradient ? inputGradient! : torch.zeros([]),
         [.. request.Layers.Select(l => layers[l].Activations)], [.. request.Layers.Select(l => layers[l].Gradients)]);
}
