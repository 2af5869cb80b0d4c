using System.Runtime.InteropServices;

namespace MnistTrainer;

/// <summary>
/// Turns the first Ctrl-C (SIGINT) or SIGTERM into a cancellation, so <c>train</c> stops at the next batch boundary,
/// finishes its writes and saves the weights; a second signal ends the process at once.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly PosixSignalRegistration interrupt;
    private readonly PosixSignalRegistration terminate;
    private int received;

    internal StopSignals()
    {
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled by the first signal.</summary>
    internal CancellationToken Token => source.Token;

    /// <summary>The first signal received (SIGINT or SIGTERM), or null.</summary>
    internal PosixSignal? Received { get; private set; }

    /// <summary>The shell's exit code of a process ended by <paramref name="signal"/>: 128 + its number (130, 143).</summary>
    internal static int ExitCodeOf(PosixSignal signal) => signal == PosixSignal.SIGTERM ? 128 + 15 : 128 + 2;

    /// <summary>The signal's usual name, as <c>kill -l</c> spells it.</summary>
    internal static string NameOf(PosixSignal signal) => signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";

    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
        source.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref received) > 1)
        {
            Console.Error.WriteLine($"{NameOf(context.Signal)} again: quitting now, without saving.");
            Environment.Exit(ExitCodeOf(context.Signal));
        }
        Received = context.Signal;
        Console.Error.WriteLine($"{NameOf(context.Signal)}: stopping after this batch, then closing the event file and saving the weights (Ctrl-C again quits at once).");
        source.Cancel();
    }
}
