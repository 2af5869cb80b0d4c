using System.Diagnostics;
using System.Globalization;
using MnistTrainer;
using TrainExplain.Explainers;

namespace TrainExplain.Benchmarks;

/// <summary>
/// Peak memory of integrated gradients and SmoothGrad on ResNet-50 at 224 px: each case runs in a child process of this
/// benchmark (as tests/TrainExplain.Tests.MemoryChild does), which explains one [1, 3, 224, 224] image and prints its
/// peak resident set (VmHWM of /proc/self/status) after the model's first forward and after the explanation. The peak
/// must follow the internal batch size (the images per chunk), not the number of steps or samples.
/// </summary>
internal static class ImageNetMemory
{
    /// <summary>The first argument that makes this program the child: <c>memory-child &lt;method&gt; &lt;count&gt; &lt;internal batch&gt;</c>.</summary>
    internal const string ChildCommand = "memory-child";

    private static readonly (string Method, int Count, int InternalBatch)[] Cases =
        [("ig", 50, 8), ("ig", 50, 32), ("ig", 100, 8), ("smoothgrad", 50, 8), ("smoothgrad", 50, 32)];

    internal static IReadOnlyList<BenchmarkRow> Run() => [.. Cases.Select(c => Measure(c.Method, c.Count, c.InternalBatch))];

    private static BenchmarkRow Measure(string method, int count, int internalBatch)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        foreach (var argument in (string[])[ChildCommand, method, $"{count}", $"{internalBatch}"])
        {
            start.ArgumentList.Add(argument);
        }
        using var child = Process.Start(start)!;
        var lines = child.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        child.WaitForExit();
        if (child.ExitCode != 0 || lines.Length != 2)
        {
            throw new InvalidOperationException($"The memory child ({method} {count} {internalBatch}) exited with {child.ExitCode} and printed {lines.Length} lines, expected 2.");
        }
        var (model, peak) = (Mebibytes(lines[0]), Mebibytes(lines[1]));
        return new BenchmarkRow("memory", $"memory/resnet50_{method}{count}_b{internalBatch}", peak, "MiB",
            $"peak RSS of a child explaining one 224x224 image with internal batch {internalBatch}; {model:F0} MiB after the model's first forward, {peak - model:F0} MiB more for the explanation");
    }

    private static double Mebibytes(string kibibytes) => double.Parse(kibibytes, CultureInfo.InvariantCulture) / 1024;

    /// <summary>The child's work; prints the peak resident set in KiB after the model's first forward, then after the explanation.</summary>
    internal static int Child(string[] args)
    {
        var (method, count, internalBatch) = (args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture));
        manual_seed(0);
        using var model = ImageNetBenchmarks.Create("resnet50");
        model.eval();
        using var image = rand([1, 3, 224, 224]);
        using (no_grad())
        {
            model.call(image).Dispose();
        }
        Console.WriteLine(PeakKibibytes());
        var settings = method == "ig" ? new ExplainerSettings(Steps: count, InternalBatchSize: internalBatch) : new ExplainerSettings(Samples: count, InternalBatchSize: internalBatch);
        using (ExplainerCatalog.CreateExplainer(method, model, settings).Explain(image, Targets.Class(3)))
        {
        }
        Console.WriteLine(PeakKibibytes());
        return 0;
    }

    private static string PeakKibibytes() =>
        File.ReadLines("/proc/self/status").Single(line => line.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
}
