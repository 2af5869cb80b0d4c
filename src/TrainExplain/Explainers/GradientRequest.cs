
namespace TrainExplain.Explainers;

/// <summary>What a one-pass method needs from the forward+backward pass: dS_c/dx, and the outputs and gradients of some layers.</summary>
internal sealed record GradientRequest(bool InputGradient, IReadOnlyList<nn.Module<Tensor, Tensor>> Layers);
