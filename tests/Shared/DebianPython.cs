using System.Diagnostics;

namespace TrainExplain.Testing;

/// <summary>
/// Debian's Python (<c>/usr/bin/python3</c>) with PyTorch 1.13 (package python3-torch, on the same libtorch as our CPU
/// build): the independent reference of the interop and oracle tests. Shared as source by the test projects.
/// </summary>
internal static class DebianPython
{
    /// <summary>The interpreter; the <c>python3</c> first on PATH may be another one.</summary>
    public const string Path = "/usr/bin/python3";

    private static readonly Lazy<bool> Torch = new(() => File.Exists(Path) && Run(null, "-c", "import torch").ExitCode == 0);

    /// <summary>Whether the interpreter is there and imports torch.</summary>
    public static bool HasTorch => Torch.Value;

    /// <summary>Runs the interpreter with <paramref name="arguments"/>; returns the exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Output, string Error) Run(string? workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
