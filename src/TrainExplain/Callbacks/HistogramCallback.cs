using TrainExplain.TensorBoard;
using TrainExplain.Training;

namespace TrainExplain.Callbacks;

/// <summary>
/// Every <c>every</c> epochs, writes a histogram of each parameter's values (<c>weights/&lt;name&gt;</c>) and of its last
/// gradient (<c>gradients/&lt;name&gt;</c>), with PyTorch's dotted parameter names. The histograms are computed on the
/// model's device; NaN and infinite values (a diverging run) are left out and reported, never fatal.
/// </summary>
public sealed class HistogramCallback : ITrainingCallback
{
    private readonly TensorBoardWriter writer;
    private readonly int every;
    private readonly TextWriter warnings;

    /// <summary>Creates the callback.</summary>
    /// <param name="writer">Where the histograms go.</param>
    /// <param name="every">Write every this many epochs (and at the first).</param>
    /// <param name="warnings">Where non-finite values are reported (default standard error).</param>
    public HistogramCallback(TensorBoardWriter writer, int every = 1, TextWriter? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        (this.writer, this.every, this.warnings) = (writer, every, warnings ?? Console.Error);
    }

    /// <inheritdoc />
    public void OnEpochEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsEveryEpochs(every))
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        foreach (var (name, parameter) in context.Model.named_parameters())
        {
            Write($"weights/{name}", parameter, context.Epoch, $"Values of the parameter {name} at the end of the epoch.");
            if (parameter.grad is { } gradient)
            {
                Write($"gradients/{name}", gradient, context.Epoch, $"Gradient of the parameter {name} from the epoch's last training batch.");
            }
        }
    }

    /// <summary>Histograms the finite values on the tensor's device (no host copy) and says how many were not finite, so a diverging run is recorded, not aborted.</summary>
    private void Write(string tag, Tensor values, int epoch, string description)
    {
        var outcome = writer.AddHistogram(tag, values, epoch, description: description);
        if (!outcome.AllFinite)
        {
            warnings.WriteLine($"epoch {epoch}: {tag} has {outcome.NotFinite} NaN or infinite values of {outcome.Counted + outcome.NotFinite}; its histogram shows the finite ones{(outcome.Written ? "" : " (none)")}.");
        }
    }
}
