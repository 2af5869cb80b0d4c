using System.Diagnostics;

namespace TrainExplain.Benchmarks;

/// <summary>Timing helpers: warm up, then the median (and best) of repeated wall-clock measurements.</summary>
internal static class Measure
{
    /// <summary>
    /// Runs <paramref name="action"/> <paramref name="warmup"/> times, then times <paramref name="repeats"/> runs (ms).
    /// On a CUDA <paramref name="device"/> each run ends with <c>cuda.synchronize</c>: kernels are queued asynchronously,
    /// so without it the clock would stop before the GPU's work is done.
    /// </summary>
    internal static (double Median, double Best) Milliseconds(Action action, int repeats, int warmup = 1, Device? device = null)
    {
        var run = device?.type == DeviceType.CUDA ? () => { action(); cuda.synchronize(device); } : action;
        for (var i = 0; i < warmup; i++)
        {
            run();
        }
        var samples = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            samples[i] = clock.Elapsed.TotalMilliseconds;
        }
        return (Percentile(samples, 0.5), samples.Min());
    }

    /// <summary>The p-quantile (nearest rank) of <paramref name="samples"/>.</summary>
    internal static double Percentile(IReadOnlyList<double> samples, double p)
    {
        var sorted = samples.Order().ToArray();
        var index = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}
