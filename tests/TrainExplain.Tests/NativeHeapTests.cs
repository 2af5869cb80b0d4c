using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests;

/// <summary>
/// <see cref="NativeHeap.Tune"/> tunes glibc's heap when the application calls it (this test executable does, at start:
/// <see cref="TunedHeap"/>), unless the user chose glibc's settings or opted out. The setting is made once per process,
/// so the opt-outs are checked in child processes: this test executable run again with one test,
/// <see cref="TunedFollowsTheEnvironment"/>, and the variable set. That the library alone leaves the heap as it was is
/// checked by the packed library's consumer (TrainExplain.Build.Tests), a process that never calls it.
/// </summary>
public sealed partial class NativeHeapTests
{
    /// <summary>A buffer between glibc's default mmap threshold (128 KiB, which rises only as far as a freed mapped block) and the tuned one (32 MiB).</summary>
    private const int BufferBytes = 24 << 20;

    [Fact]
    public void TunedFollowsTheEnvironment()
    {
        var chosen = Environment.GetEnvironmentVariable(NativeHeap.OptOutVariable) == "default"
            || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null;
        Assert.Equal(!chosen, NativeHeap.Tuned);
        Assert.Equal(NativeHeap.Tuned, NativeHeap.Tune());
        // The thresholds' effect: a 24 MiB buffer comes from the heap when tuned, from a mapping of its own otherwise.
        Assert.SkipUnless(NativeHeapInUse.Available, "glibc's mallinfo2 is needed to see which buffers are mapped");
        Assert.Equal(!chosen, !IsMappedOnItsOwn(BufferBytes));
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

    private static unsafe bool IsMappedOnItsOwn(int bytes)
    {
        var before = NativeHeapInUse.MappedBytes();
        var buffer = NativeMemory.Alloc((nuint)bytes);
        try
        {
            return NativeHeapInUse.MappedBytes() - before >= bytes;
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    [GeneratedRegex(@"Total: 1, Errors: 0, Failed: 0, Skipped: 0")]
    private static partial Regex OneTestPassed();
}
