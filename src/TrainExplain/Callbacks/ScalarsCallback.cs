using TrainExplain.TensorBoard;
using TrainExplain.Training;

namespace TrainExplain.Callbacks;

/// <summary>
/// Writes each epoch's logs as scalars: <c>loss/train</c>, <c>loss/val</c>, each metric as <c>&lt;metric&gt;/train</c> and
/// <c>&lt;metric&gt;/val</c> (e.g. <c>accuracy/train</c>), <c>learning_rate</c>, <c>time/epoch_seconds</c> and
/// <c>throughput/images_per_second</c> (a rate, so not under <c>time/</c>). Non-finite values are written as they are, so a diverging run shows in TensorBoard.
/// </summary>
public sealed class ScalarsCallback : ITrainingCallback
{
    private static readonly Dictionary<string, (string Tag, string Description, string? DisplayName)> Fixed = new()
    {
        [TrainingLogKeys.LearningRate] = ("learning_rate", "The optimizer's learning rate (of its first parameter group) during the epoch.", null),
        [TrainingLogKeys.EpochSeconds] = ("time/epoch_seconds", "Wall-clock seconds of the epoch's training batches (validation and callbacks excluded).", "Epoch time (s)"),
        [TrainingLogKeys.ImagesPerSecond] = ("throughput/images_per_second", "Training images per second over the epoch.", "Training images per second"),
    };

    private readonly TensorBoardWriter writer;

    /// <summary>Creates the callback.</summary>
    /// <param name="writer">Where the scalars go.</param>
    public ScalarsCallback(TensorBoardWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        this.writer = writer;
    }

    /// <summary>
    /// The tag, description and display name (null where the tag reads well on its own) of a log key (<c>val_x</c>
    /// becomes <c>x/val</c>, another metric <c>x</c> becomes <c>x/train</c>).
    /// </summary>
    public static (string Tag, string Description, string? DisplayName) TagOf(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (Fixed.TryGetValue(key, out var known))
        {
            return known;
        }
        var validation = key.StartsWith(TrainingLogKeys.ValidationPrefix, StringComparison.Ordinal);
        var metric = validation ? key[TrainingLogKeys.ValidationPrefix.Length..] : key;
        var data = validation ? "the validation data, at the epoch's end, in eval mode" : "the epoch's training batches, as they were trained on";
        return ($"{metric}/{(validation ? "val" : "train")}", $"Mean {metric} over {data}.", null);
    }

    /// <inheritdoc />
    public void OnEpochEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var (key, value) in context.Logs)
        {
            var (tag, description, displayName) = TagOf(key);
            writer.AddScalar(tag, (float)value, context.Epoch, description: description, displayName: displayName);
        }
    }
}
