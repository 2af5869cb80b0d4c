namespace TrainExplain.TensorBoard;

/// <summary>
/// A metric that TensorBoard's HParams tab shows beside the hyperparameters of each run: the last value of the scalar
/// <see cref="Tag"/> that the run logs with <see cref="TensorBoardWriter.AddScalar"/>.
/// </summary>
/// <param name="Tag">The scalar's tag, e.g. <c>loss/val</c>.</param>
public sealed record HParamMetric(string Tag)
{
    /// <summary>
    /// The folder of the scalar's run relative to the writer's <see cref="TensorBoardWriter.LogDir"/>: empty (the default)
    /// for the writer's own run; <c>loss_train</c> for the key <c>train</c> of <c>AddScalars("loss", ...)</c>.
    /// </summary>
    public string Group { get; init; } = "";

    /// <summary>The column title TensorBoard shows instead of the tag, or null.</summary>
    public string? DisplayName { get; init; }

    /// <summary>What it measures (markdown), or null.</summary>
    public string? Description { get; init; }

    /// <summary>The data it is computed on.</summary>
    public HParamDataset Dataset { get; init; }
}
