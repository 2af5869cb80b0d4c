using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using MnistTrainer;
using MnistTrainer.Models;
using Spectre.Console;

namespace TrainExplain.Benchmarks;

/// <summary>Runs the suites, then the PyTorch reference with the same threads, and prints and saves the comparison.</summary>
internal static class BenchmarkRunner
{
    private const string DebianPython = "/usr/bin/python3";

    private static readonly string ReferenceScript = Path.GetFullPath(typeof(BenchmarkRunner).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PyTorchReferenceScript").Value!);

    internal static int Run(string suite, bool quick, string jsonPath, bool withReference, string? modelPath, string? dataDirectory, string deviceOption, int batch)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160;
        }
        if (batch <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"--batch {batch}: expected a positive number of images.");
        }
        var device = DeviceOption.Resolve(deviceOption);
        if (device.type != DeviceType.CPU && suite is not ("explainers" or "training" or "agreement"))
        {
            throw new ArgumentException($"--device {deviceOption} with --suite {suite}: only the explainers, training and agreement suites run on a GPU; use --device cpu.", nameof(deviceOption));
        }
        // The PyTorch peer explains 64 images on the CPU: beside a GPU run or another batch its ratios would compare other work.
        withReference &= device.type == DeviceType.CPU && batch == ExplainerBenchmarks.DefaultBatch;
        // Before the first libtorch op, as an application does: the measured speeds are those of the tuned heap.
        var heap = NativeHeap.Tune() ? $"heap thresholds {NativeHeap.MmapThreshold >> 20}/{NativeHeap.TrimThreshold >> 20} MiB (not the PyTorch peer's)" : HeapFromEnvironment();
        var threads = get_num_threads();
        AnsiConsole.MarkupLine($"TrainExplain benchmarks: suite {suite}, device {device}, {threads} threads, TorchSharp on libtorch {__version__}, {Environment.ProcessorCount} cores, {heap}");
        var rows = new List<BenchmarkRow>();
        var tempDir = Directory.CreateTempSubdirectory("trainexplain-bench").FullName;
        try
        {
            if (suite is "binding" or "all")
            {
                rows.AddRange(BindingBenchmarks.Run());
            }
            if (suite is "writer" or "all")
            {
                rows.AddRange(WriterBenchmarks.Run(tempDir));
            }
            if (suite is "explainers" or "all")
            {
                rows.AddRange(ExplainerBenchmarks.Run(() => new SimpleConvNet(), quick, device, batch));
            }
            if (suite is "training" or "all")
            {
                rows.AddRange(TrainingBenchmarks.Run(quick, device));
            }
            if (suite is "numerics")
            {
                rows.AddRange(NumericsBenchmarks.Run(quick, tempDir));
            }
            if (suite is "imagenet")
            {
                rows.AddRange(ImageNetBenchmarks.Run(tempDir, quick));
            }
            if (suite is "imagenet-memory")
            {
                rows.AddRange(ImageNetMemory.Run());
            }
            if (suite is "agreement")
            {
                rows.AddRange(DeviceAgreementBenchmarks.Run(modelPath, dataDirectory, device));
            }
            if (suite is "legibility")
            {
                rows.AddRange(LegibilityBenchmarks.Run(modelPath, dataDirectory, Path.ChangeExtension(jsonPath, ".actmax.png"), quick));
            }
            var reference = withReference ? RunReference(suite, quick, threads, tempDir) : new Dictionary<string, double>();
            Print(rows, reference);
            Save(jsonPath, rows, reference, threads, device);
        }
        finally
        {
            Directory.Delete(tempDir, recursive: true);
        }
        return 0;
    }

    /// <summary>The heap settings both processes inherit when NativeHeap.Tune left glibc alone (set them to compare like with like).</summary>
    private static string HeapFromEnvironment()
    {
        var settings = new[] { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_" }
            .Where(name => Environment.GetEnvironmentVariable(name) is not null)
            .Select(name => $"{name}={Environment.GetEnvironmentVariable(name)}")
            .ToList();
        return settings.Count == 0 ? "glibc's default heap" : $"heap from the environment, shared with the PyTorch peer: {string.Join(' ', settings)}";
    }

    private static Dictionary<string, double> RunReference(string suite, bool quick, int threads, string tempDir)
    {
        var output = Path.Combine(tempDir, "reference.json");
        var referenceSuite = suite is "writer" or "legibility" or "numerics" or "imagenet-memory" or "agreement" ? null : suite;
        if (referenceSuite is null || !File.Exists(DebianPython) || !File.Exists(ReferenceScript))
        {
            return [];
        }
        // Debian's PyTorch starts with 1 thread, TorchSharp with 2: the peer runs with TorchSharp's count.
        // The imagenet suite's peer loads the ResNets' weights that the suite saved in tempDir.
        string[] arguments = [ReferenceScript, "--threads", $"{threads}", "--json", output, "--suite", referenceSuite, "--weights-dir", tempDir,
            .. quick ? ["--quick"] : Array.Empty<string>()];
        AnsiConsole.MarkupLine($"[grey]reference: {DebianPython} {Markup.Escape(string.Join(' ', arguments))}[/]");
        var start = new ProcessStartInfo(DebianPython) { RedirectStandardError = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(output))
        {
            AnsiConsole.MarkupLine($"[red]the PyTorch reference failed (exit {process.ExitCode}); ratios are left out[/]");
            return [];
        }
        using var document = JsonDocument.Parse(File.ReadAllText(output));
        var referenceThreads = document.RootElement.GetProperty("threads").GetInt32();
        if (referenceThreads != threads)
        {
            AnsiConsole.MarkupLine($"[red]the PyTorch reference ran with {referenceThreads} threads, TorchSharp with {threads}; ratios are left out[/]");
            return [];
        }
        return document.RootElement.GetProperty("rows").EnumerateArray()
            .ToDictionary(row => row.GetProperty("name").GetString()!, row => row.GetProperty("value").GetDouble());
    }

    private static void Print(List<BenchmarkRow> rows, Dictionary<string, double> reference)
    {
        var table = new Table().AddColumn("suite").AddColumn("name").AddColumn(new TableColumn("TrainExplain").RightAligned())
            .AddColumn(new TableColumn("PyTorch").RightAligned()).AddColumn(new TableColumn("ratio").RightAligned()).AddColumn("unit").AddColumn("notes");
        foreach (var row in rows)
        {
            var peer = reference.TryGetValue(row.Name, out var value) ? value : (double?)null;
            table.AddRow(row.Suite, row.Name, Format(row.Value), peer is { } p ? Format(p) : "-", peer is { } q ? Ratio(row, q) : "-",
                Markup.Escape(row.Unit), Markup.Escape(row.Notes));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("ratio = TrainExplain time / PyTorch time (below 1 is faster; for rates the inverse is taken).");
    }

    /// <summary>Time ratio TrainExplain / PyTorch, whatever the unit: rates (per second) are inverted.</summary>
    private static string Ratio(BenchmarkRow row, double peer)
    {
        var ratio = row.Unit.EndsWith("/s", StringComparison.Ordinal) ? peer / row.Value : row.Value / peer;
        return ratio.ToString("F2", CultureInfo.InvariantCulture);
    }

    /// <summary>A figure at a precision that shows it; values under 0.001 (the agreement suite's differences) in exponent form.</summary>
    private static string Format(double value) =>
        value.ToString(value >= 100 ? "F0" : value >= 1 ? "F2" : value >= 1e-3 || value == 0 ? "F4" : "0.00e+00", CultureInfo.InvariantCulture);

    private static void Save(string path, List<BenchmarkRow> rows, Dictionary<string, double> reference, int threads, Device device)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var document = new
        {
            device = device.ToString(),
            threads,
            cores = Environment.ProcessorCount,
            rows = rows.Select(r => new { r.Suite, r.Name, r.Value, r.Unit, r.Notes, pytorch = reference.TryGetValue(r.Name, out var v) ? v : (double?)null }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
        AnsiConsole.MarkupLine($"results: {Markup.Escape(Path.GetFullPath(path))}");
    }
}
