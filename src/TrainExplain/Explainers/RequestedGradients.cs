namespace TrainExplain.Explainers;

/// <summary>What a <see cref="GradientRequest"/> gets over the whole batch, on the inputs' device, owned by the explainer call's scope.</summary>
/// <param name="Input">dS/dx [N, C, H, W], or null when not requested.</param>
/// <param name="Activations">Each requested layer's output A, detached, in request order.</param>
/// <param name="LayerGradients">Each requested layer's dS/dA, in request order.</param>
public sealed record RequestedGradients(Tensor? Input, IReadOnlyList<Tensor> Activations, IReadOnlyList<Tensor> LayerGradients);
