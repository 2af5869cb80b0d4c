namespace TrainExplain.Training;

/// <summary>Options of <see cref="Trainer.Fit"/>.</summary>
public sealed record TrainerOptions
{
    /// <summary>The metrics computed each epoch besides the loss (default: <see cref="Accuracy"/>, for classifiers).</summary>
    public IReadOnlyList<ITrainingMetric> Metrics { get; init; } = [new Accuracy()];
}
