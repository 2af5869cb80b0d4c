namespace TrainExplain.Explainers;

/// <summary>
/// What a one-pass method needs from one forward+backward pass over the inputs: dS/dx, and the outputs and gradients
/// of some layers. Methods that return one from <see cref="Explainer.SharedPassRequest"/> share that pass with the other
/// one-pass methods of an <see cref="ExplainerSet"/>.
/// </summary>
/// <param name="InputGradient">Whether dS/dx is needed.</param>
/// <param name="Layers">The layers whose outputs A and gradients dS/dA are needed.</param>
public sealed record GradientRequest(bool InputGradient, IReadOnlyList<NamedLayer> Layers)
{
    /// <summary>dS/dx and no layer.</summary>
    public static GradientRequest InputOnly { get; } = new(InputGradient: true, Layers: []);
}
