namespace TrainExplain.Training;

/// <summary>
/// Hooks into a training loop at Keras's moments. <see cref="Trainer.Fit"/> calls them; a custom loop can call them
/// itself with a <see cref="TrainingContext"/> it keeps up to date. Every method does nothing unless overridden.
/// </summary>
public interface ITrainingCallback
{
    /// <summary>Before the first epoch.</summary>
    void OnTrainBegin(TrainingContext context)
    {
    }

    /// <summary>Before each epoch (<see cref="TrainingContext.Epoch"/> is set).</summary>
    void OnEpochBegin(TrainingContext context)
    {
    }

    /// <summary>After each optimizer step (<see cref="TrainingContext.Batch"/> and <see cref="TrainingContext.GlobalStep"/> are set).</summary>
    void OnBatchEnd(TrainingContext context)
    {
    }

    /// <summary>After each epoch's validation, with the epoch's metrics in <see cref="TrainingContext.Logs"/>.</summary>
    void OnEpochEnd(TrainingContext context)
    {
    }

    /// <summary>After the last epoch (also when training stops early).</summary>
    void OnTrainEnd(TrainingContext context)
    {
    }
}
