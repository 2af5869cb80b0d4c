namespace TrainExplain;

/// <summary>
/// The stop request of the training run in progress (<see cref="Training.Trainer.Fit"/>'s cancellation), seen by the
/// long work its callbacks do: every chunk of a batched pass (<see cref="Batched.Chunks"/>) and every ascent step of
/// activation maximization checks it. A signal during an epoch end's explainers and faithfulness curves then stops the
/// run within one chunk or step, not after the whole work (a million curve steps took minutes). Outside a run nothing
/// is set, so a direct call is never cut short.
/// </summary>
internal static class StopRequest
{
    // Flows with the run's execution context: set for the calls Fit makes, invisible to other threads' work.
    private static readonly AsyncLocal<CancellationToken> Current = new();

    /// <summary><paramref name="work"/> with <paramref name="token"/> as the stop request; the request before is restored after.</summary>
    internal static T Honoring<T>(CancellationToken token, Func<T> work)
    {
        var outer = Current.Value;
        Current.Value = token;
        try
        {
            return work();
        }
        finally
        {
            Current.Value = outer;
        }
    }

    /// <summary>Ends the work in progress when the run's stop was requested.</summary>
    /// <exception cref="OperationCanceledException">The stop was requested; its token is the run's.</exception>
    internal static void ThrowIfRequested() => Current.Value.ThrowIfCancellationRequested();
}
