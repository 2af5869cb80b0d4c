namespace TrainExplain.Training;

/// <summary>The names of the metrics <see cref="Trainer"/> puts into <see cref="TrainingContext.Logs"/> at each epoch end.</summary>
public static class TrainingLogKeys
{
    /// <summary>Mean training loss of the epoch.</summary>
    public const string Loss = "loss";
    /// <summary>Training accuracy of the epoch (fraction in [0, 1]), the name of the default <see cref="Training.Accuracy"/> metric.</summary>
    public const string Accuracy = "accuracy";
    /// <summary>Mean validation loss.</summary>
    public const string ValidationLoss = "val_loss";
    /// <summary>Validation accuracy (fraction in [0, 1]).</summary>
    public const string ValidationAccuracy = "val_accuracy";
    /// <summary>The optimizer's learning rate.</summary>
    public const string LearningRate = "learning_rate";
    /// <summary>Wall-clock seconds of the epoch's training batches.</summary>
    public const string EpochSeconds = "epoch_seconds";
    /// <summary>Training images per second.</summary>
    public const string ImagesPerSecond = "images_per_second";

    /// <summary>The prefix of validation metrics.</summary>
    public const string ValidationPrefix = "val_";

    /// <summary>The key of a metric's validation value, e.g. <c>val_accuracy</c>.</summary>
    public static string Validation(string metric) => ValidationPrefix + metric;
}
