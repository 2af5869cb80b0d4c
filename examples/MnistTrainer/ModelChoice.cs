using MnistTrainer.Models;

namespace MnistTrainer;

/// <summary>The model <c>explain</c> builds: its architecture, its class count (checked), and the <c>--classes</c> file, if given.</summary>
internal sealed record ModelChoice(Architecture Architecture, int ClassCount, string? ClassesFile);
