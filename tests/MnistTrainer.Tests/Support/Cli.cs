using Spectre.Console;
using TrainExplain.Numerics;

namespace MnistTrainer.Tests.Support;

/// <summary>Runs the example's command line in-process, capturing what it prints (Spectre.Console's tables too).</summary>
internal static class Cli
{
    /// <summary>Runs <paramref name="args"/> through the example's error handling; returns the exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        // The numerics guard warns once per process (on an AVX-512 machine): to the test log, not to one command's stderr.
        NumericsGuard.EnsureChecked();
        var (previousOut, previousError) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        // AnsiConsole keeps the writer it first saw: give it this run's, and a fresh one over the real stdout after.
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        try
        {
            var exitCode = CommandLineErrors.Run(App.CreateRoot(), args);
            return (exitCode, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(previousOut) });
        }
    }

    /// <summary>Runs a command that must succeed, failing the test with its stderr otherwise.</summary>
    public static string Succeed(params string[] args)
    {
        var (exitCode, output, error) = Run(args);
        Assert.True(exitCode == 0, $"{string.Join(' ', args)} exited with {exitCode}: {error}");
        return output;
    }

    /// <summary>
    /// Asserts that a failed command printed one line or more, each an "error:" line (the last may be the "usage:" hint
    /// that follows parse errors), and no stack trace.
    /// </summary>
    public static void AssertOneLineErrors(string error)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines[..^1], l => Assert.StartsWith("error:", l));
        Assert.True(lines[^1].StartsWith("error:", StringComparison.Ordinal) || (lines.Length > 1 && lines[^1].StartsWith("usage:", StringComparison.Ordinal)), lines[^1]);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("frame #", error);
    }
}
