using TrainExplain.TensorBoard;
using TrainExplain.Training;

namespace TrainExplain.Callbacks;

/// <summary>
/// Flushes a <see cref="TensorBoardWriter"/> at the end of each epoch and of training, so a finished epoch's records are
/// on disk before the next epoch begins and survive a crash or a kill (the writer alone flushes on a timer). Put it after
/// the callbacks that write to the same writer.
/// </summary>
public sealed class FlushCallback : ITrainingCallback
{
    private readonly TensorBoardWriter writer;

    /// <summary>Creates the callback.</summary>
    /// <param name="writer">The writer to flush.</param>
    public FlushCallback(TensorBoardWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        this.writer = writer;
    }

    /// <inheritdoc />
    public void OnEpochEnd(TrainingContext context) => writer.Flush();

    /// <inheritdoc />
    public void OnTrainEnd(TrainingContext context) => writer.Flush();
}
