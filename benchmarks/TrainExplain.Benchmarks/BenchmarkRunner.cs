using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MnistTrainer.Models;
using Spectre.Console;
using TrainExplain.Torch;

namespace TrainExplain.Benchmarks;

/// <summary>Runs the suites, then the PyTorch reference with the same threads, and prints and saves the comparison.</summary>
internal static class BenchmarkRunner
{
    private const string ReferenceScript = "benchmarks/reference/pytorch_reference.py";
    private const string DebianPython = "/usr/bin/python3";

    internal static int Run(string suite, bool quick, string jsonPath, bool withReference)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160;
        }
        var threads = torch.get_num_threads();
        AnsiConsole.MarkupLine($"TrainExplain benchmarks: suite {suite}, {threads} threads, libtorch {torch.libtorch_version()}, {Environment.ProcessorCount} cores");
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
                rows.AddRange(ExplainerBenchmarks.Run(() => new SimpleConvNet(), quick));
            }
            if (suite is "training" or "all")
            {
                rows.AddRange(TrainingBenchmarks.Run(quick));
            }
            var reference = withReference ? RunReference(suite, quick, threads, tempDir) : new Dictionary<string, double>();
            Print(rows, reference);
            Save(jsonPath, rows, reference, threads);
        }
        finally
        {
            Directory.Delete(tempDir, recursive: true);
        }
        return 0;
    }

    private static Dictionary<string, double> RunReference(string suite, bool quick, int threads, string tempDir)
    {
        var output = Path.Combine(tempDir, "reference.json");
        var referenceSuite = suite == "writer" ? null : suite;
        if (referenceSuite is null || !File.Exists(DebianPython) || !File.Exists(ReferenceScript))
        {
            return [];
        }
        var arguments = $"{ReferenceScript} --threads {threads} --json {output} --suite {referenceSuite}{(quick ? " --quick" : "")}";
        AnsiConsole.MarkupLine($"[grey]reference: {DebianPython} {Markup.Escape(arguments)}[/]");
        using var process = Process.Start(new ProcessStartInfo(DebianPython, arguments) { RedirectStandardError = false })!;
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(output))
        {
            AnsiConsole.MarkupLine($"[red]the PyTorch reference failed (exit {process.ExitCode}); ratios are left out[/]");
            return [];
        }
        using var document = JsonDocument.Parse(File.ReadAllText(output));
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

    private static string Format(double value) => value.ToString(value >= 100 ? "F0" : value >= 1 ? "F2" : "F4", CultureInfo.InvariantCulture);

    private static void Save(string path, List<BenchmarkRow> rows, Dictionary<string, double> reference, int threads)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var document = new
        {
            threads,
            cores = Environment.ProcessorCount,
            rows = rows.Select(r => new { r.Suite, r.Name, r.Value, r.Unit, r.Notes, pytorch = reference.TryGetValue(r.Name, out var v) ? v : (double?)null }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
        AnsiConsole.MarkupLine($"results: {Markup.Escape(Path.GetFullPath(path))}");
    }
}
