using TrainExplain.Training;

namespace TrainExplain.Callbacks;

/// <summary>
/// Writes each epoch's metrics as TensorBoard scalars at step = epoch: loss/train, loss/val, accuracy/train,
/// accuracy/val, learning_rate, time/epoch_seconds and time/images_per_second.
/// </summary>
public sealed class ScalarsCallback : ITrainingCallback
{
    private static readonly (string Key, string Tag)[] Tags =
    [
        (TrainingLogKeys.Loss, "loss/train"),
        (TrainingLogKeys.ValidationLoss, "loss/val"),
        (TrainingLogKeys.Accuracy, "accuracy/train"),
        (TrainingLogKeys.ValidationAccuracy, "accuracy/val"),
        (TrainingLogKeys.LearningRate, "learning_rate"),
        (TrainingLogKeys.EpochSeconds, "time/epoch_seconds"),
        (TrainingLogKeys.ImagesPerSecond, "time/images_per_second"),
    ];

    /// <inheritdoc />
    public void OnEpochEnd(TrainingContext context)
    {
        if (context.Writer is not { } writer)
        {
            return;
        }
        foreach (var (key, tag) in Tags)
        {
            if (context.Logs.TryGetValue(key, out var value) && double.IsFinite(value))
            {
                writer.AddScalar(tag, (float)value, context.Epoch);
            }
        }
    }
}
