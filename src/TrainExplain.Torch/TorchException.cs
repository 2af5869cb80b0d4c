namespace TrainExplain.Torch;

/// <summary>An error reported by libtorch (its message without the C++ backtrace), e.g. a shape mismatch.</summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates the exception with libtorch's message.</summary>
    public TorchException(string message) : base(message)
    {
    }
}
