using TrainExplain.Training;

namespace TrainExplain.Callbacks;

/// <summary>
/// Every <c>every</c> epochs, writes a histogram of each parameter's values (<c>weights/&lt;name&gt;</c>) and of its last
/// gradient (<c>gradients/&lt;name&gt;</c>), with PyTorch's dotted parameter names.
/// </summary>
public sealed class HistogramCallback : ITrainingCallback
{
    private readonly int every;

    /// <summary>Creates the callback.</summary>
    /// <param name="every">Write every this many epochs (and at the first).</param>
    public HistogramCallback(int every = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        this.every = every;
    }

    /// <inheritdoc />
    public void OnEpochEnd(TrainingContext context)
    {
        if (context.Writer is not { } writer || (context.Epoch - 1) % every != 0)
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        foreach (var (name, parameter) in context.Model.named_parameters())
        {
            writer.AddHistogram($"weights/{name}", Values(parameter), context.Epoch);
            if (parameter.grad is { } gradient)
            {
                writer.AddHistogram($"gradients/{name}", Values(gradient), context.Epoch);
            }
        }
    }

    private static float[] Values(Tensor tensor) => tensor.ToFloats();
}
