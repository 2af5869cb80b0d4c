namespace TrainExplain.Explainers;

/// <summary>
/// The results of one forward+backward pass over a batch that several one-pass methods share (see
/// <see cref="ExplainerSet"/>): targets, scores, dS/dx, and each captured layer's output and gradient.
/// </summary>
internal sealed class GradientPass(Tensor classes, Tensor scores, Tensor? inputGradient,
    IReadOnlyDictionary<object, (Tensor Activations, Tensor Gradients)> layers)
{
    /// <summary>The target class of each image, int64 [N].</summary>
    internal Tensor Classes { get; } = classes;

    /// <summary>S(x) of each image, [N].</summary>
    internal Tensor Scores { get; } = scores;

    /// <summary>How many methods use this pass.</summary>
    internal int Users { get; init; } = 1;

    /// <summary>Whether this pass holds everything <paramref name="request"/> asks for.</summary>
    internal bool Covers(GradientRequest request) =>
        (!request.InputGradient || inputGradient is not null) && request.Layers.All(l => layers.ContainsKey(l.Module));

    /// <summary>What <paramref name="request"/> asks for, in its order.</summary>
    internal RequestedGradients Select(GradientRequest request) =>
        new(request.InputGradient ? inputGradient : null,
            [.. request.Layers.Select(l => layers[l.Module].Activations)], [.. request.Layers.Select(l => layers[l.Module].Gradients)]);
}
