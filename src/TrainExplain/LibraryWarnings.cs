using System.Diagnostics.CodeAnalysis;

namespace TrainExplain;

/// <summary>
/// Where the library says what a user should act on but that does not stop the work: a missing font, a numerics remedy
/// applied for this machine. One line per warning, each starting with <c>TrainExplain:</c>.
/// </summary>
public static class LibraryWarnings
{
    private static TextWriter? output;

    /// <summary>
    /// The writer warnings go to (default: <see cref="Console.Error"/> as it is when a warning is written);
    /// <see cref="TextWriter.Null"/> silences them, and null goes back to the default.
    /// </summary>
    [AllowNull]
    public static TextWriter Output
    {
        get => output ?? Console.Error;
        set => output = value;
    }

    /// <summary>Writes one warning line.</summary>
    internal static void Write(string message) => Output.WriteLine($"TrainExplain: {message}");
}
