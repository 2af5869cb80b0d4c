namespace TrainExplain;

/// <summary>libtorch's error messages as the library passes them on.</summary>
internal static class LibTorchMessages
{
    /// <summary>Where the C++ backtrace that libtorch's <c>c10::Error</c> appends to its message begins.</summary>
    private const string Backtrace = "Exception raised from ";

    /// <summary>A backtrace line, for a message that lists frames without the heading.</summary>
    private const string Frame = "\nframe #";

    /// <summary>
    /// <paramref name="message"/> without libtorch's C++ backtrace (<c>Exception raised from ... (most recent call first):</c>
    /// and its <c>frame #N</c> lines) and the whitespace before it; other messages as they are. The wrapped exception keeps the whole text.
    /// </summary>
    public static string WithoutBacktrace(string message)
    {
        var end = message.IndexOf(Backtrace, StringComparison.Ordinal);
        if (end < 0)
        {
            end = message.IndexOf(Frame, StringComparison.Ordinal);
        }
        return end < 0 ? message : message[..end].TrimEnd();
    }
}
