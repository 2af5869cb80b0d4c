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
        var runs = Modes.ToDictionary(mode => mode, _ => new List<IReadOnlyList<BenchmarkRow>>());
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
        return [.. merged["auto"].Values.Select(row => Row(row, merged["on"][row.Name].Value, merged["off"][row.Name].Value))];
    }

    /// <summary>The guard's own row, for every explainer run: what the check found and what it cost at first use.</summary>
    internal static BenchmarkRow GuardRow()
    {
        var report = NumericsGuard.EnsureChecked();
        return new BenchmarkRow("numerics", "numerics/guard_check", report.Elapsed.TotalMilliseconds, "ms", $"first use, {report.Summary}");
    }

    /// <summary>The guard's row with oneDNN on and off in its notes (the guard's own row keeps its notes).</summary>
    private static BenchmarkRow Row(BenchmarkRow auto, double on, double off)
    {
        if (auto.Name.StartsWith("numerics/", StringComparison.Ordinal))
        {
            return auto with { Suite = "numerics" };
        }
        var rate = auto.Unit.EndsWith("/s", StringComparison.Ordinal);
        // Ratios of time: for a rate, the inverse.
        string Ratio(double value) => (rate ? on / value : value / on).ToString("F2", CultureInfo.InvariantCulture);
        return new BenchmarkRow("numerics", auto.Name, auto.Value, auto.Unit, string.Create(CultureInfo.InvariantCulture,
            $"oneDNN on {on:G4}, off for the process {off:G4} {auto.Unit}; time vs on: guard {Ratio(auto.Value)}x, off {Ratio(off)}x"));
    }

    /// <summary>Each row with the median of its values over the rounds.</summary>
    private static Dictionary<string, BenchmarkRow> Merge(List<IReadOnlyList<BenchmarkRow>> rounds) =>
        rounds.SelectMany(r => r).GroupBy(r => r.Name).ToDictionary(g => g.Key, g =>
        {
            var values = g.Select(r => r.Value).Order().ToList();
            return g.First() with { Value = values[values.Count / 2] };
        });

    private static IReadOnlyList<BenchmarkRow> RunChild(string mode, string suite, bool quick, string json)
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
        return [.. document.RootElement.GetProperty("rows").EnumerateArray().Select(row => new BenchmarkRow(row.GetProperty("Suite").GetString()!,
            row.GetProperty("Name").GetString()!, row.GetProperty("Value").GetDouble(), row.GetProperty("Unit").GetString()!, row.GetProperty("Notes").GetString()!))];
    }
}
