using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Explainers;

/// <summary>
/// Issue 22, item 4: a pass of many chunks keeps a peak near that of a short one. A child process
/// (tests/TrainExplain.Tests.MemoryChild) runs the work on one 32x32 image of a linear model at a count, then at a larger
/// one, and prints its peak resident set after each. Every chunk frees its buffers, but glibc kept the freed pages
/// scattered in its heap, so before <see cref="NativeHeap.ReleaseFreePages"/> ran every
/// <see cref="Batched.TrimEveryChunks"/> chunks the peaks grew with the chunks: integrated gradients 263 MiB at 20,000
/// points, 996 MiB at 200,000; the deletion and insertion curves 204 MiB at 20,000 steps, 310 MiB at 200,000. Measured
/// with the release: IG +18 MiB from 20,000 to 100,000 points, the curves +21 MiB from 20,000 to 200,000 steps.
/// </summary>
public sealed class LongPassMemoryTests
{
    // Room for what grows with the count itself (the quadrature's and the curves' per-step values, a few MiB) and for the
    // heap between two trims, far below the hundreds of MiB of scattered free pages.
    private const long BoundKiB = 48 * 1024;

    [Fact]
    public async Task IntegratedGradientsAtFiveTimesThePointsStaysWithinTheBound()
    {
        var peaks = await MemoryChildPeaks.Of("ig", 20_000, 100_000);

        Assert.True(peaks[1] - peaks[0] < BoundKiB,
            $"Peak resident set {peaks[0] / 1024} MiB at 20,000 points, {peaks[1] / 1024} MiB after 100,000: it grows with the points (bound {BoundKiB / 1024} MiB).");
    }

    [Fact]
    public async Task DeletionAndInsertionCurvesAtTenTimesTheStepsStayWithinTheBound()
    {
        var peaks = await MemoryChildPeaks.Of("curves", 20_000, 200_000);

        Assert.True(peaks[1] - peaks[0] < BoundKiB,
            $"Peak resident set {peaks[0] / 1024} MiB at 20,000 steps, {peaks[1] / 1024} MiB after 200,000: it grows with the steps (bound {BoundKiB / 1024} MiB).");
    }
}
