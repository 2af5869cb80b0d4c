namespace TrainExplain.Benchmarks;

/// <summary>One measured figure of a benchmark suite.</summary>
/// <param name="Suite">The suite, e.g. <c>writer</c>.</param>
/// <param name="Name">What was measured.</param>
/// <param name="Value">The figure.</param>
/// <param name="Unit">Its unit, e.g. <c>us</c>, <c>ms</c>, <c>MB/s</c>.</param>
/// <param name="Notes">How it was measured.</param>
public sealed record BenchmarkRow(string Suite, string Name, double Value, string Unit, string Notes);
