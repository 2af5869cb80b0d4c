namespace TrainExplain.Numerics;

/// <summary>
/// Thrown when <see cref="NumericsGuard"/> finds convolution gradients wrong on this machine and cannot make them right:
/// an explanation or a training step would silently be wrong.
/// </summary>
public sealed class NumericsException : Exception
{
    /// <summary>Creates the exception (only the guard throws it).</summary>
    internal NumericsException(string message, NumericsReport report, Exception? inner = null) : base(message, inner) => Report = report;

    /// <summary>What was checked and found.</summary>
    public NumericsReport Report { get; }
}
