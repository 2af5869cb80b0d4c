using System.Diagnostics;
using System.Globalization;
using TrainExplain.Training;

namespace TrainExplain.Callbacks;

/// <summary>
/// Shows training progress: on a terminal, a bar redrawn in place at most every <see cref="RefreshInterval"/> with the
/// running loss; otherwise (a log file, CI) plain lines at each quarter of an epoch. Each epoch ends with one line of its
/// metrics.
/// </summary>
public sealed class ProgressCallback : ITrainingCallback
{
    private const int BarWidth = 30;
    private readonly TextWriter output;
    private readonly bool interactive;
    private readonly Stopwatch sinceRedraw = new();
    private int lastQuarter;

    /// <summary>Writes to the console; a bar only when standard output is a terminal.</summary>
    public ProgressCallback() : this(Console.Out, interactive: !Console.IsOutputRedirected)
    {
    }

    /// <summary>Writes to <paramref name="output"/>, as a redrawn bar when <paramref name="interactive"/>.</summary>
    public ProgressCallback(TextWriter output, bool interactive)
    {
        ArgumentNullException.ThrowIfNull(output);
        (this.output, this.interactive) = (output, interactive);
    }

    /// <summary>The least time between two redraws of the bar (each reads the loss from the device).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <inheritdoc />
    public void OnEpochBegin(TrainingContext context)
    {
        lastQuarter = 0;
        sinceRedraw.Restart();
    }

    /// <inheritdoc />
    public void OnBatchEnd(TrainingContext context)
    {
        if (interactive)
        {
            if (sinceRedraw.Elapsed >= RefreshInterval || context.Batch == context.BatchesPerEpoch)
            {
                output.Write($"\r{Bar(context)}");
                sinceRedraw.Restart();
            }
            return;
        }
        var quarter = context.BatchesPerEpoch == 0 ? 4 : 4 * context.Batch / context.BatchesPerEpoch;
        if (quarter > lastQuarter && quarter < 4)
        {
            lastQuarter = quarter;
            output.WriteLine(Bar(context));
        }
    }

    /// <inheritdoc />
    public void OnEpochEnd(TrainingContext context)
    {
        if (interactive)
        {
            output.Write('\r');
        }
        var logs = context.Logs;
        var parts = new List<string> { $"epoch {context.Epoch}/{context.Epochs}" };
        Append(parts, logs, TrainingLogKeys.Loss, "loss {0:F4}");
        Append(parts, logs, TrainingLogKeys.Accuracy, "acc {0:P2}");
        Append(parts, logs, TrainingLogKeys.ValidationLoss, "val_loss {0:F4}");
        Append(parts, logs, TrainingLogKeys.ValidationAccuracy, "val_acc {0:P2}");
        Append(parts, logs, TrainingLogKeys.EpochSeconds, "{0:F1} s");
        Append(parts, logs, TrainingLogKeys.ImagesPerSecond, "{0:F0} img/s");
        output.WriteLine(string.Join("  ", parts).PadRight(BarWidth + 40));
        output.Flush();
    }

    private static string Bar(TrainingContext context)
    {
        var total = Math.Max(1, context.BatchesPerEpoch);
        var filled = BarWidth * context.Batch / total;
        var loss = context.RunningLoss();
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {context.Epoch}/{context.Epochs} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {context.Batch}/{total}  loss {loss:F4}");
    }

    private static void Append(List<string> parts, IReadOnlyDictionary<string, double> logs, string key, string format)
    {
        if (logs.TryGetValue(key, out var value) && double.IsFinite(value))
        {
            parts.Add(string.Format(CultureInfo.InvariantCulture, format, value));
        }
    }
}
