using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using TrainExplain.Numerics;

namespace TrainExplain.Benchmarks;

/// <summary>
/// What the numerics guard's remedy costs: the explainer and training suites run in child processes of this harness
/// with <c>TRAINEXPLAIN_ONEDNN</c> set to <c>on</c> (oneDNN everywhere: wrong gradients on AVX-512 machines),
/// <c>auto</c> (the guard: on a machine that needs it, oneDNN off for backward passes) and <c>off</c> (oneDNN off for
/// the process), the three modes interleaved round by round so that a drifting machine affects them alike. Each row
/// is the guard's default (<c>auto</c>) with the other two in its notes.
/// </summary>
internal static class NumericsBenchmarks
{
    private static readonly string[] Modes = ["on", "auto", "off"];

    internal static IReadOnlyList<BenchmarkRow> Run(bool quick, string tempDir)
    {
        var runs = Modes.ToDictionary(mode => mode, _ => new List<Dictionary<string, (double Value, string Unit, string Notes)>>());
        for (var round = 0; round < (quick ? 1 : 2); round++)
        {
            foreach (var mode in Modes)
            {
                foreach (var suite in new[] { "explainers", "training" })
                {
                    runs[mode].Add(RunChild(mode, suite, quick, Path.Combine(tempDir, $"numerics-{mode}-{suite}-{round}.json")));
                }
            }
        }
        var merged = Modes.ToDictionary(mode => mode, mode => Merge(runs[mode]));
        return [.. merged["auto"].Select(row => Row(row.Key, merged, row.Value.Unit, row.Value.Notes))];
    }

    /// <summary>The guard's own row, for every explainer run: what the check found and what it cost at first use.</summary>
    internal static BenchmarkRow GuardRow()
    {
        var report = NumericsGuard.EnsureChecked();
        return new BenchmarkRow("numerics", "numerics/guard_check", report.Elapsed.TotalMilliseconds, "ms", $"first use, {report.Summary}");
    }

    private static BenchmarkRow Row(string name, Dictionary<string, Dictionary<string, (double Value, string Unit, string Notes)>> merged, string unit, string notes)
    {
        var (on, auto, off) = (merged["on"][name].Value, merged["auto"][name].Value, merged["off"][name].Value);
        var rate = unit.EndsWith("/s", StringComparison.Ordinal);
        // Ratios of time: for a rate, the inverse.
        string Ratio(double value) => (rate ? on / value : value / on).ToString("F2", CultureInfo.InvariantCulture);
        var text = string.Create(CultureInfo.InvariantCulture, $"oneDNN on {on:G4}, off for the process {off:G4} {unit}; time vs on: guard {Ratio(auto)}x, off {Ratio(off)}x");
        return new BenchmarkRow("numerics", name, auto, unit, name.StartsWith("numerics/", StringComparison.Ordinal) ? notes : text);
    }

    /// <summary>The median of each row over the rounds.</summary>
    private static Dictionary<string, (double Value, string Unit, string Notes)> Merge(List<Dictionary<string, (double Value, string Unit, string Notes)>> rounds) =>
        rounds.SelectMany(r => r).GroupBy(r => r.Key).ToDictionary(g => g.Key, g =>
        {
            var values = g.Select(r => r.Value.Value).Order().ToList();
            return (values[values.Count / 2], g.First().Value.Unit, g.First().Value.Notes);
        });

    private static Dictionary<string, (double Value, string Unit, string Notes)> RunChild(string mode, string suite, bool quick, string json)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        foreach (var argument in (string[])["--suite", suite, "--no-reference", "--json", json, .. quick ? ["--quick"] : Array.Empty<string>()])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment[NumericsGuard.EnvironmentVariable] = mode;
        AnsiConsole.MarkupLine($"[grey]{NumericsGuard.EnvironmentVariable}={mode}: --suite {suite}[/]");
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"the {suite} suite with {NumericsGuard.EnvironmentVariable}={mode} failed with exit code {process.ExitCode}");
        }
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        return document.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(
            row => row.GetProperty("Name").GetString()!,
            row => (row.GetProperty("Value").GetDouble(), row.GetProperty("Unit").GetString()!, row.GetProperty("Notes").GetString()!));
    }
}
