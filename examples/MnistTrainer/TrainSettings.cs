using System.Text;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>The validated options of one <c>train</c> run (a null <see cref="RunName"/> means a time stamp, a null <see cref="ExplainBudget"/> no bound).</summary>
internal sealed record TrainSettings(string Data, string Architecture, int Epochs, int BatchSize, double LearningRate, int Seed,
    Device Device, int? LimitTrain, int? LimitValidation, string LogDir, string? RunName, string? SavePath,
    IReadOnlyList<string> Explainers, int ExplainEvery, int ExplainCount, bool Metrics = true, int MetricSteps = 16, bool TerminateOnNaN = true,
    int SaveEvery = 1, string? Weights = null, int? NumClasses = null, double? ExplainBudget = null)
{
    /// <summary>The settings as a markdown table, logged as the run's text summary.</summary>
    internal string ToMarkdown()
    {
        var text = new StringBuilder("| setting | value |\n|---|---|\n");
        foreach (var (name, value) in new (string, object?)[]
        {
            ("data", Data), ("arch", Architecture), ("epochs", Epochs), ("batch size", BatchSize), ("lr", LearningRate),
            ("seed", Seed), ("device", Device), ("limit train", LimitTrain), ("limit val", LimitValidation),
            ("explainers", string.Join(", ", Explainers)), ("explain every", ExplainEvery), ("explain count", ExplainCount),
            ("explain budget", ExplainBudget is { } budget ? $"{budget.ToString(System.Globalization.CultureInfo.InvariantCulture)} % of the run's time" : "none (every selected epoch)"),
            ("faithfulness metrics", Metrics ? $"on, {MetricSteps} steps" : "off"),
            ("terminate on NaN", TerminateOnNaN ? "on" : "off"), ("save every", SaveEvery),
            ("weights", Weights ?? "none (fresh initialization)"), ("classes", NumClasses?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "the architecture's or the folder's"),
        })
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"| {name} | {value?.ToString() ?? "all"} |\n");
        }
        return text.ToString();
    }
}
