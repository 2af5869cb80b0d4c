using TrainExplain.TensorBoard;

namespace TrainExplain.Training;

/// <summary>What callbacks see of the training run: the model, where it runs, where to log, and the progress.</summary>
public sealed class TrainingContext
{
    private Tensor? lossSum;
    private long samplesSeen;

    /// <summary>Creates the context of one run.</summary>
    public TrainingContext(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Device device, int epochs, int batchesPerEpoch, SummaryWriter? writer = null, string? runDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        ArgumentOutOfRangeException.ThrowIfNegative(batchesPerEpoch);
        (Model, Optimizer, Device, Epochs, BatchesPerEpoch, Writer, RunDirectory) = (model, optimizer, device, epochs, batchesPerEpoch, writer, runDirectory);
    }

    /// <summary>The model being trained.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>The optimizer (read its learning rate, or change it).</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>Where the model and the batches live.</summary>
    public Device Device { get; }

    /// <summary>Where summaries go, if anywhere.</summary>
    public SummaryWriter? Writer { get; }

    /// <summary>The run's output folder (images, checkpoints), if any.</summary>
    public string? RunDirectory { get; }

    /// <summary>The number of epochs planned.</summary>
    public int Epochs { get; }

    /// <summary>The current epoch, from 1.</summary>
    public int Epoch { get; set; }

    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The current batch within the epoch, from 1.</summary>
    public int Batch { get; set; }

    /// <summary>Optimizer steps taken so far in the whole run.</summary>
    public long GlobalStep { get; set; }

    /// <summary>The metrics of the last finished epoch (keys in <see cref="TrainingLogKeys"/>).</summary>
    public Dictionary<string, double> Logs { get; } = [];

    /// <summary>Set by a callback to end training after the current epoch.</summary>
    public bool StopTraining { get; set; }

    /// <summary>Resets the running loss at an epoch's start.</summary>
    public void ResetRunningLoss()
    {
        lossSum?.Dispose();
        lossSum = null;
        samplesSeen = 0;
    }

    /// <summary>Adds a batch's mean loss (a scalar tensor; kept on the device, no synchronization).</summary>
    public void AccumulateLoss(Tensor batchLoss, long batchSize)
    {
        ArgumentNullException.ThrowIfNull(batchLoss);
        using var weighted = batchLoss.detach() * batchSize;
        // Summed in float64, which RunningLoss reads: TorchSharp's item<double>() refuses a float32 tensor.
        lossSum ??= torch.zeros([], ScalarType.Float64, batchLoss.device).DetachFromDisposeScope();
        lossSum.add_(weighted);
        samplesSeen += batchSize;
    }

    /// <summary>The mean loss of the epoch so far; reading it waits for the device, so progress displays call it sparingly.</summary>
    public double RunningLoss() => lossSum is null || samplesSeen == 0 ? double.NaN : lossSum.item<double>() / samplesSeen;
}
