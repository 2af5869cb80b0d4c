
namespace TrainExplain.Explainers;

/// <summary>An explanation method; one <c>ExplainerCallback</c> runs any of them during training.</summary>
public interface IExplainer
{
    /// <summary>The method's name, e.g. <c>GradCam</c>; TensorBoard tags are <c>explain/&lt;Name&gt;</c>.</summary>
    string Name { get; }

    /// <summary>False only for methods that synthesize their own inputs (activation maximization).</summary>
    bool RequiresInputs { get; }

    /// <summary>Explains <paramref name="inputs"/> [N, C, H, W] for the classes chosen by <paramref name="targets"/>.</summary>
    Explanation Explain(Tensor? inputs, Targets targets);
}
