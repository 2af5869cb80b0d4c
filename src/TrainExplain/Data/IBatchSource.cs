namespace TrainExplain.Data;

/// <summary>
/// What <see cref="Training.Trainer.Fit"/> trains and validates on: batches of inputs [B, ...] and integer labels [B] on
/// one device. Each enumeration is one epoch, in the order the source chooses: a source that shuffles draws a new order
/// for each enumeration. Each batch is a pair of new tensors that the caller disposes (or that a dispose scope frees).
/// <see cref="BatchLoader"/> is the library's own; an application can give any other (files decoded on the fly, say).
/// </summary>
public interface IBatchSource : IEnumerable<(Tensor Inputs, Tensor Labels)>
{
    /// <summary>Where the batches are put; training asks for the model's device.</summary>
    Device Device { get; }

    /// <summary>Batches per epoch (what progress displays count towards).</summary>
    int BatchCount { get; }
}
