using TrainExplain.Data;
using TrainExplain.Training;

namespace TrainExplain.Callbacks;

/// <summary>
/// Saves the model's state dict as safetensors after every epoch (<c>last.safetensors</c>) and whenever the monitored
/// metric improves (<c>best.safetensors</c>); each file goes through <see cref="AtomicFile"/> (a fresh temporary name
/// beside it, forced to the disk, then renamed), so a crash leaves the previous file whole and two runs never share a
/// temporary file.
/// </summary>
public sealed class CheckpointCallback : ITrainingCallback
{
    private readonly string directory;
    private readonly string monitor;
    private readonly bool higherIsBetter;
    private double best = double.NaN;

    /// <summary>Creates the callback.</summary>
    /// <param name="directory">Folder of the checkpoints (created when missing).</param>
    /// <param name="monitor">The metric deciding "best" (default validation accuracy).</param>
    /// <param name="higherIsBetter">False for losses.</param>
    public CheckpointCallback(string directory, string monitor = TrainingLogKeys.ValidationAccuracy, bool higherIsBetter = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        (this.directory, this.monitor, this.higherIsBetter) = (directory, monitor, higherIsBetter);
    }

    /// <summary>Path of the checkpoint after the last epoch.</summary>
    public string LastPath => Path.Combine(directory, "last.safetensors");

    /// <summary>Path of the checkpoint with the best monitored metric.</summary>
    public string BestPath => Path.Combine(directory, "best.safetensors");

    /// <summary>The best value of the monitored metric so far (NaN before the first epoch).</summary>
    public double Best => best;

    /// <inheritdoc />
    public void OnEpochEnd(TrainingContext context)
    {
        Directory.CreateDirectory(directory);
        ModelWeights.Save(context.Model, LastPath);
        if (context.Logs.TryGetValue(monitor, out var value) && double.IsFinite(value) &&
            (double.IsNaN(best) || (higherIsBetter ? value > best : value < best)))
        {
            best = value;
            AtomicFile.Write(BestPath, stream =>
            {
                using var last = File.OpenRead(LastPath);
                last.CopyTo(stream);
            }, flushToDisk: true);
        }
    }
}
