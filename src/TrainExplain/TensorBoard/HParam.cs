namespace TrainExplain.TensorBoard;

/// <summary>One hyperparameter of a run and its value, for TensorBoard's HParams tab (<see cref="TensorBoardWriter.AddHParams"/>).</summary>
/// <param name="Name">Its identifier, the same in every run of an experiment, e.g. <c>learning_rate</c>.</param>
/// <param name="Value">Its value in this run.</param>
public sealed record HParam(string Name, HParamValue Value)
{
    /// <summary>The column title TensorBoard shows instead of <see cref="Name"/>, or null.</summary>
    public string? DisplayName { get; init; }

    /// <summary>What it is (markdown), or null.</summary>
    public string? Description { get; init; }
}
