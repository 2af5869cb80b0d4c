using System.Diagnostics;
using TrainExplain.Explainers;

namespace TrainExplain.Metrics;

/// <summary>
/// Watches how faithful and how settled a model's explanations are, call after call (epoch after epoch): for each
/// <see cref="Attribution"/> the deletion and insertion AUCs of its saliency (<see cref="DeletionInsertion"/>, Petsiuk,
/// Das and Saenko 2018), optionally those of a random pixel order (the chance level, under
/// <see cref="ChanceName"/>), and its stability: the mean Spearman rank correlation with the same method's saliency at
/// the previous call (<see cref="RankStability"/>). It keeps each method's last saliency for that, on the host. The
/// explainer callback logs its <see cref="ExplanationMeasurement.Scalars"/>; <c>MnistTrainer explain --metrics</c> saves
/// its per-image AUCs. Methods without a per-pixel map (layer activations, class images) are not measured.
/// </summary>
public sealed class ExplanationMonitor
{
    /// <summary>The name the random pixel order's figures go under (<c>faithfulness/chance/...</c>): the chance level, not a method.</summary>
    public const string ChanceName = "chance";

    private readonly int internalBatchSize;
    private readonly Dictionary<string, float[]> previousSaliency = [];

    /// <summary>Creates the monitor.</summary>
    /// <param name="steps">S, the steps of each deletion and insertion curve.</param>
    /// <param name="internalBatchSize">The most masked images one forward pass sees.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> or <paramref name="internalBatchSize"/> is not positive.</exception>
    public ExplanationMonitor(int steps = 16, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(internalBatchSize);
        (Steps, this.internalBatchSize) = (steps, internalBatchSize);
    }

    /// <summary>S, the steps of each deletion and insertion curve.</summary>
    public int Steps { get; }

    /// <summary>The tag of a method's mean deletion AUC: <c>faithfulness/&lt;name&gt;/deletion_auc</c>.</summary>
    public static string DeletionTag(string name) => $"faithfulness/{name}/deletion_auc";

    /// <summary>The tag of a method's mean insertion AUC: <c>faithfulness/&lt;name&gt;/insertion_auc</c>.</summary>
    public static string InsertionTag(string name) => $"faithfulness/{name}/insertion_auc";

    /// <summary>The title TensorBoard shows for <see cref="DeletionTag"/>: <c>Deletion AUC, &lt;name&gt;</c>.</summary>
    public static string DeletionDisplayName(string name) => $"Deletion AUC, {name}";

    /// <summary>The title TensorBoard shows for <see cref="InsertionTag"/>: <c>Insertion AUC, &lt;name&gt;</c>.</summary>
    public static string InsertionDisplayName(string name) => $"Insertion AUC, {name}";

    /// <summary>The tag of the milliseconds a method's deletion and insertion AUCs took: <c>time/faithfulness_ms/&lt;name&gt;</c>.</summary>
    public static string TimeTag(string name) => $"time/faithfulness_ms/{name}";

    /// <summary>The tag of a method's stability: <c>stability/&lt;name&gt;</c>.</summary>
    public static string StabilityTag(string name) => $"stability/{name}";

    /// <summary>
    /// Measures the <see cref="Attribution"/>s among <paramref name="explanations"/>, each for its own targets, and
    /// remembers their saliency for the next call's stability.
    /// </summary>
    /// <param name="model">The classifier the explanations explain, returning logits [N, K].</param>
    /// <param name="inputs">The explained inputs [N, C, H, W], on the model's device.</param>
    /// <param name="explanations">The results of one call (or one epoch) of each method; the others are skipped.</param>
    /// <param name="randomBaseline">Also measure a random pixel order (one fixed permutation per image, seed 0) for the first attribution's targets.</param>
    public ExplanationMeasurement Measure(nn.Module<Tensor, Tensor> model, Tensor inputs, IReadOnlyList<Explanation> explanations, bool randomBaseline = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(explanations);
        var faithfulness = new Dictionary<string, FaithfulnessScores>();
        var stability = new Dictionary<string, double>();
        var scalars = new List<(string, double, string, string)>();
        var attributions = explanations.OfType<Attribution>().ToList();
        if (attributions.Count == 0)
        {
            return new ExplanationMeasurement(faithfulness, stability, scalars);
        }
        using var scope = torch.NewDisposeScope();
        var metric = new DeletionInsertion(model, Steps, internalBatchSize: internalBatchSize);
        foreach (var attribution in attributions)
        {
            var clock = Stopwatch.StartNew();
            var scores = metric.Measure(inputs, attribution.Saliency, torch.tensor(attribution.Targets, device: inputs.device));
            faithfulness[attribution.Method] = scores;
            scalars.AddRange(FaithfulnessScalars(attribution.Method, scores, clock.Elapsed));
            if (Stability(attribution) is { } settled)
            {
                stability[attribution.Method] = settled;
                scalars.Add((StabilityTag(attribution.Method), settled,
                    $"Mean over the images of Spearman's rank correlation between {attribution.Method}'s saliency at this explained epoch and at the previous one (images with a constant map left out). Near 1: the explanation has settled; a drop: the model now relies on other pixels.",
                    $"Stability, {attribution.Method}"));
            }
        }
        if (randomBaseline)
        {
            var clock = Stopwatch.StartNew();
            var scores = metric.MeasureRandomOrder(inputs, torch.tensor(attributions[0].Targets, device: inputs.device));
            faithfulness[ChanceName] = scores;
            scalars.AddRange(FaithfulnessScalars(ChanceName, scores, clock.Elapsed));
        }
        return new ExplanationMeasurement(faithfulness, stability, scalars);
    }

    /// <summary>The mean AUCs and their cost, described.</summary>
    private IEnumerable<(string, double, string, string)> FaithfulnessScalars(string name, FaithfulnessScores scores, TimeSpan elapsed)
    {
        var shown = name == ChanceName ? "chance level" : name;
        var order = name == ChanceName ? "a random pixel order (one fixed permutation per image, seed 0): the chance level" : $"{name}'s saliency, most salient first";
        yield return (DeletionTag(name), scores.MeanDeletion,
            $"Deletion AUC (Petsiuk et al. 2018), mean over the batch: the area under the target's softmax probability as pixels are set to 0 in {order}, {Steps} steps. Lower is more faithful.",
            DeletionDisplayName(shown));
        yield return (InsertionTag(name), scores.MeanInsertion,
            $"Insertion AUC (Petsiuk et al. 2018), mean over the batch: the area under the target's softmax probability as pixels are restored from 0 in {order}, {Steps} steps. Higher is more faithful.",
            InsertionDisplayName(shown));
        yield return (TimeTag(name), elapsed.TotalMilliseconds,
            $"Milliseconds spent measuring the deletion and insertion AUCs of {name}: 2 (S + 1) forward passes per image, S = {Steps} the steps of each curve.",
            $"Faithfulness time (ms), {shown}");
    }

    /// <summary>The mean Spearman correlation with the previous call's saliency of the same method, or null at its first call.</summary>
    private double? Stability(Attribution attribution)
    {
        var current = attribution.Saliency.ToFloats();
        var pixels = (int)(attribution.Saliency.size(1) * attribution.Saliency.size(2));
        var had = previousSaliency.TryGetValue(attribution.Method, out var previous);
        previousSaliency[attribution.Method] = current;
        return had && previous!.Length == current.Length ? RankStability.Mean(RankStability.PerImage(previous, current, pixels)) : null;
    }
}
