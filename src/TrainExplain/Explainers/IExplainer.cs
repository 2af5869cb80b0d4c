namespace TrainExplain.Explainers;

/// <summary>
/// An explanation method of input images: one <c>ExplainerCallback</c> runs any of them during training. Derive from
/// <see cref="Explainer"/> to get the shared frame (checks, eval mode, dispose scope, chunking, shared passes).
/// </summary>
public interface IExplainer
{
    /// <summary>The display name, e.g. <c>GradCam</c> or <c>GradCam[conv1]</c>; TensorBoard tags are <c>explain/&lt;Name&gt;</c>.</summary>
    string Name { get; }

    /// <summary>The explained model.</summary>
    nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>Explains <paramref name="inputs"/> [N, C, H, W] for the targets chosen by <paramref name="targets"/>; the caller disposes the result.</summary>
    Explanation Explain(Tensor inputs, Targets targets);
}
