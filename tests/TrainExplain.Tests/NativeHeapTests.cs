using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TrainExplain.Tests;

/// <summary>
/// <see cref="NativeHeap"/> tunes glibc's heap when TrainExplain loads, unless the user chose glibc's settings or opted
/// out. The setting is made once per process, so the opt-outs are checked in child processes: this test executable
/// run again with one test, <see cref="TunedFollowsTheEnvironment"/>, and the variable set.
/// </summary>
public sealed partial class NativeHeapTests
{
    [Fact]
    public void TunedFollowsTheEnvironment()
    {
        var chosen = Environment.GetEnvironmentVariable(NativeHeap.OptOutVariable) == "default"
            || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null;
        Assert.Equal(!chosen, NativeHeap.Tuned);
    }

    [Fact]
    public void TheTestProcessRunsWithTheTunedHeap()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable(NativeHeap.OptOutVariable) is not null
            || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null,
            "the heap settings are chosen in this environment");
        Assert.True(NativeHeap.Tuned);
    }

    [Theory]
    [InlineData(NativeHeap.OptOutVariable, "default")]
    [InlineData("MALLOC_MMAP_THRESHOLD_", "131072")]
    [InlineData("MALLOC_TRIM_THRESHOLD_", "131072")]
    public async Task AChildProcessWithTheVariableSetLeavesTheHeapAlone(string variable, string value)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            ArgumentList = { "exec", typeof(NativeHeapTests).Assembly.Location, "-noLogo", "-noColor", "-method", $"{typeof(NativeHeapTests).FullName}.{nameof(TunedFollowsTheEnvironment)}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment[variable] = value;
        var cancellation = TestContext.Current.CancellationToken;
        using var child = Process.Start(start)!;
        var error = child.StandardError.ReadToEndAsync(cancellation);
        var output = await child.StandardOutput.ReadToEndAsync(cancellation);
        await child.WaitForExitAsync(cancellation);
        Assert.True(child.ExitCode == 0, $"the child failed ({child.ExitCode}): {output}{await error}");
        Assert.Matches(OneTestPassed(), output);
    }

    [GeneratedRegex(@"Total: 1, Errors: 0, Failed: 0, Skipped: 0")]
    private static partial Regex OneTestPassed();
}
