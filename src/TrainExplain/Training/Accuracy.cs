namespace TrainExplain.Training;

/// <summary>Classification accuracy, the fraction of examples whose argmax of the logits [N, K] (K &gt;= 2) equals the label [N]: the default metric.</summary>
public sealed class Accuracy : ITrainingMetric
{
    /// <inheritdoc />
    public string Name => TrainingLogKeys.Accuracy;

    /// <inheritdoc />
    public Tensor BatchSum(Tensor output, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(target);
        // One output unit has no argmax to compare: it is a regression (or a single-logit binary) model, not K logits.
        if (output.ndim != 2 || output.size(1) < 2 || target.ndim != 1 || target.size(0) != output.size(0))
        {
            throw new ArgumentException($"Accuracy needs logits [N, K] with K >= 2 and labels [N]; the model gave {output.ShapeText()} for labels {target.ShapeText()}. " +
                "For another kind of model, pass TrainerOptions { Metrics = [...] } with metrics that fit it (or none).");
        }
        return output.argmax(1).eq(target).sum();
    }
}
