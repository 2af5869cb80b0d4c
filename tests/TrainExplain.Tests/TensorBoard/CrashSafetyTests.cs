using System.Diagnostics;
using TrainExplain.Testing;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.TensorBoard;

/// <summary>
/// A child process (tests/TrainExplain.Tests.EventWriterChild) logs and flushes in a loop, printing how many scalars
/// are flushed; it is killed with SIGKILL mid-write and its file must still read cleanly with everything flushed in it.
/// </summary>
public sealed class CrashSafetyTests
{
    private const int FlushReportsBeforeKill = 5;

    [Fact]
    public async Task KilledWriter_LeavesOnlyWholeRecordsAndEverythingFlushed()
    {
        using var directory = new TemporaryDirectory();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var child = Process.Start(ChildProcesses.StartInfo("EventWriterChildPath", directory.Path))!;
        long flushed = 0;
        try
        {
            for (var report = 0; report < FlushReportsBeforeKill; report++)
            {
                var line = await child.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"The child exited early: {await child.StandardError.ReadToEndAsync(timeout.Token)}");
                flushed = long.Parse(line, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        finally
        {
            child.Kill(); // SIGKILL on Unix: no finalizers, no flush
            await child.WaitForExitAsync(timeout.Token);
        }

        var file = Assert.Single(EventFileReader.EventFiles(directory.Path));
        var steps = EventFileReader.ReadFile(file).Scalars("count").Select(x => x.Step).ToList();
        Assert.True(steps.Count >= flushed, $"{flushed} scalars were flushed before the kill but only {steps.Count} were read back.");
        Assert.Equal(Enumerable.Range(0, steps.Count).Select(i => (long)i), steps);
    }
}
