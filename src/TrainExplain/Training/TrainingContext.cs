using System.Collections.ObjectModel;

namespace TrainExplain.Training;

/// <summary>
/// What callbacks see of a training run: the model, where it runs, the progress and the last epoch's metrics, all
/// read-only. The loop that drives the callbacks (<see cref="Trainer.Fit"/>, or a user's own TorchSharp loop) advances it
/// with <see cref="BeginEpoch"/>, <see cref="EndBatch"/> and <see cref="EndEpoch"/>; a callback can only ask the loop to
/// stop (<see cref="RequestStop"/>). It holds no tensors.
/// </summary>
public sealed class TrainingContext
{
    private readonly Func<double> runningLoss;
    private IReadOnlyDictionary<string, double> logs = ReadOnlyDictionary<string, double>.Empty;

    /// <summary>Creates the context of one run.</summary>
    /// <param name="model">The model being trained; its device is where the run happens.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="epochs">The number of epochs planned.</param>
    /// <param name="batchesPerEpoch">Batches per epoch.</param>
    /// <param name="runningLoss">Reads the current epoch's running loss (it may wait for the device); null when the loop keeps none.</param>
    public TrainingContext(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, int epochs, int batchesPerEpoch, Func<double>? runningLoss = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        ArgumentOutOfRangeException.ThrowIfNegative(batchesPerEpoch);
        (Model, Optimizer, Epochs, BatchesPerEpoch) = (model, optimizer, epochs, batchesPerEpoch);
        Device = ModelDevice.Of(model);
        this.runningLoss = runningLoss ?? (() => double.NaN);
    }

    /// <summary>The model being trained.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>The optimizer.</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>Where the model lives (its parameters' device).</summary>
    public Device Device { get; }

    /// <summary>The number of epochs planned.</summary>
    public int Epochs { get; }

    /// <summary>The current epoch, from 1 (0 before the first).</summary>
    public int Epoch { get; private set; }

    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The current batch within the epoch, from 1.</summary>
    public int Batch { get; private set; }

    /// <summary>Optimizer steps taken so far in the whole run.</summary>
    public long GlobalStep { get; private set; }

    /// <summary>The metrics of the last finished epoch (keys in <see cref="TrainingLogKeys"/>; metrics by name, validation ones with <c>val_</c>).</summary>
    public IReadOnlyDictionary<string, double> Logs => logs;

    /// <summary>Whether a callback asked the loop to stop (see <see cref="RequestStop"/>).</summary>
    public bool StopRequested { get; private set; }

    /// <summary>
    /// Whether a callback that runs every <paramref name="every"/> epochs runs at the current one: at the first epoch and
    /// every <paramref name="every"/> epochs after it (1, 1 + every, 1 + 2 every, ...), so the first picture is the untrained model's.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="every"/> is not positive.</exception>
    public bool IsEveryEpochs(int every)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        return (Epoch - 1) % every == 0;
    }

    /// <summary>The mean loss of the epoch so far; reading it waits for the device, so progress displays call it sparingly.</summary>
    public double RunningLoss() => runningLoss();

    /// <summary>
    /// Asks the loop to stop at the next batch boundary, as Keras 3's <c>model.stop_training = True</c>: asked during an
    /// epoch, the epoch ends there (validation and <see cref="ITrainingCallback.OnEpochEnd"/> run with the batches trained
    /// so far); asked at an epoch's end, no further epoch begins.
    /// </summary>
    public void RequestStop() => StopRequested = true;

    /// <summary>For the loop: epoch <paramref name="epoch"/> (from 1) begins.</summary>
    public void BeginEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epoch);
        (Epoch, Batch) = (epoch, 0);
    }

    /// <summary>For the loop: an optimizer step finished.</summary>
    public void EndBatch()
    {
        Batch++;
        GlobalStep++;
    }

    /// <summary>For the loop: the epoch ended with these metrics (copied).</summary>
    public void EndEpoch(IReadOnlyDictionary<string, double> epochLogs)
    {
        ArgumentNullException.ThrowIfNull(epochLogs);
        logs = new Dictionary<string, double>(epochLogs).AsReadOnly();
    }
}
