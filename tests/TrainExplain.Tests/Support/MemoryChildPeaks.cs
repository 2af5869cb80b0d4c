using System.Diagnostics;
using System.Globalization;

namespace TrainExplain.Tests.Support;

/// <summary>Runs tests/TrainExplain.Tests.MemoryChild and reads the peak resident sets it prints, one per run of its work.</summary>
internal static class MemoryChildPeaks
{
    /// <summary>The child's peak resident set in KiB after each of its runs of <paramref name="work"/> (actmax, ig, curves), one per entry of <paramref name="steps"/>.</summary>
    internal static async Task<long[]> Of(string work, params int[] steps)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        using var child = Process.Start(ChildProcesses.StartInfo("MemoryChildPath", [work, .. steps.Select(s => s.ToString(CultureInfo.InvariantCulture))]))!;
        try
        {
            var error = child.StandardError.ReadToEndAsync(timeout.Token);
            var output = await child.StandardOutput.ReadToEndAsync(timeout.Token);
            await child.WaitForExitAsync(timeout.Token);
            Assert.True(child.ExitCode == 0, $"The memory child exited with {child.ExitCode}: {await error}");
            var peaks = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => long.Parse(line, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(steps.Length, peaks.Length);
            return peaks;
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }
        }
    }
}
