namespace TrainExplain.Training;

/// <summary>
/// A metric that <see cref="Trainer.Fit"/> computes per epoch on the training and validation data, as the mean over
/// examples of a per-example value: each batch adds its sum on the device, and the epoch's mean is read once at its end.
/// Logged under <see cref="Name"/> (training) and <c>val_</c> + <see cref="Name"/> (validation).
/// </summary>
public interface ITrainingMetric
{
    /// <summary>The log key, e.g. <c>accuracy</c>.</summary>
    string Name { get; }

    /// <summary>The sum over the batch of the per-example value, a scalar tensor on the output's device (no host copy).</summary>
    /// <param name="output">The model's output for the batch.</param>
    /// <param name="target">The batch's targets.</param>
    Tensor BatchSum(Tensor output, Tensor target);
}
