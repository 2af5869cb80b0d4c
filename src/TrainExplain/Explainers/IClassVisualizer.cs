namespace TrainExplain.Explainers;

/// <summary>
/// A method that explains classes rather than inputs: it synthesizes a picture of what the model looks for in each
/// class (activation maximization). <c>ClassVisualizationCallback</c> runs one during training.
/// </summary>
public interface IClassVisualizer
{
    /// <summary>The display name; TensorBoard tags are <c>explain/&lt;Name&gt;</c>.</summary>
    string Name { get; }

    /// <summary>The visualized model.</summary>
    nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>Synthesizes one picture per class; the caller disposes the result.</summary>
    Explanation Visualize();
}
