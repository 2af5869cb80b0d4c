using System.Globalization;
using TrainExplain.Training;

namespace TrainExplain.Callbacks;

/// <summary>
/// Stops training at the first batch whose loss is NaN or infinite, as Keras's <c>TerminateOnNaN</c>: it asks the loop to
/// stop (<see cref="TrainingContext.RequestStop"/>), so the epoch ends there and the other callbacks still log it (the
/// non-finite loss included), and says which loss and step diverged. It reads the epoch's running loss after every
/// batch, which is non-finite from the first non-finite batch loss on; each read waits for the device.
/// </summary>
public sealed class TerminateOnNaNCallback : ITrainingCallback
{
    private readonly TextWriter messages;

    /// <summary>Creates the callback.</summary>
    /// <param name="messages">Where the divergence is reported (default standard error).</param>
    public TerminateOnNaNCallback(TextWriter? messages = null) => this.messages = messages ?? Console.Error;

    /// <summary>Whether the loss turned non-finite and the run was stopped.</summary>
    public bool Diverged => Message is not null;

    /// <summary>The report of the divergence (the loss value, epoch, batch and step), or null while the loss is finite.</summary>
    public string? Message { get; private set; }

    /// <inheritdoc />
    public void OnBatchEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Diverged)
        {
            return;
        }
        var loss = context.RunningLoss();
        if (double.IsFinite(loss))
        {
            return;
        }
        Message = string.Create(CultureInfo.InvariantCulture,
            $"The training loss became {loss} at epoch {context.Epoch}, batch {context.Batch}/{context.BatchesPerEpoch} (step {context.GlobalStep}): training diverged and stops here; lower the learning rate.");
        messages.WriteLine(Message);
        context.RequestStop();
    }
}
