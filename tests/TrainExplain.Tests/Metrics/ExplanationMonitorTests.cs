using TrainExplain.Explainers;
using TrainExplain.Metrics;
using TrainExplain.Tests.Support;
using TrainExplain.Tests.Training;

namespace TrainExplain.Tests.Metrics;

/// <summary>
/// The monitor's figures are the metrics' own on the explanations it is given: deletion and insertion AUCs of each
/// attribution's saliency (<see cref="DeletionInsertion"/>), the random order's on request, and from the second call each
/// method's stability against its previous saliency (<see cref="RankStability"/>), with their tags in the callback's order.
/// </summary>
public sealed class ExplanationMonitorTests
{
    [Fact]
    public void TheFiguresAreTheMetricsOnTheSaliencyAndStabilityComesFromTheSecondCall()
    {
        torch.manual_seed(5);
        using var model = TrainingFixtures.SmallConvNet();
        using var batch = new LabeledBatch(5, seed: 3);
        IExplainer[] methods = [new VanillaGradients(model), new GradCam(model), new LayerActivations(model)];
        var monitor = new ExplanationMonitor(steps: 5, internalBatchSize: 7);
        var baseline = LiveTensors.Baseline();

        var (first, firstSaliency) = MeasureOnce(monitor, model, batch, methods, randomBaseline: true);
        using (torch.no_grad())
        {
            var random = new DeletionInsertion(model, steps: 5).MeasureRandomOrder(batch.Images, batch.Labels);
            Assert.Equal(random.Insertion, first.Faithfulness["chance"].Insertion);
            model.parameters().First().mul_(-0.5);   // other weights, other maps
        }
        var (second, secondSaliency) = MeasureOnce(monitor, model, batch, methods, randomBaseline: false);

        using var scope = torch.NewDisposeScope();
        var metric = new DeletionInsertion(model, steps: 5);
        foreach (var name in new[] { "VanillaGradients", "GradCam" })
        {
            var direct = metric.Measure(batch.Images, torch.tensor(secondSaliency[name], [5, 6, 6]), batch.Labels);
            Assert.Equal(direct.Deletion, second.Faithfulness[name].Deletion);
            Assert.Equal(direct.Insertion, second.Faithfulness[name].Insertion);
            Assert.Equal(RankStability.Mean(RankStability.PerImage(firstSaliency[name], secondSaliency[name], 36)), second.Stability[name], 12);
        }
        Assert.Equal(["GradCam", "VanillaGradients", "chance"], first.Faithfulness.Keys.Order());
        Assert.Empty(first.Stability);
        Assert.Equal(["GradCam", "VanillaGradients"], second.Faithfulness.Keys.Order());
        Assert.Equal(
        [
            "faithfulness/VanillaGradients/deletion_auc", "faithfulness/VanillaGradients/insertion_auc", "time/faithfulness_ms/VanillaGradients", "stability/VanillaGradients",
            "faithfulness/GradCam/deletion_auc", "faithfulness/GradCam/insertion_auc", "time/faithfulness_ms/GradCam", "stability/GradCam",
        ], second.Scalars.Select(s => s.Tag));
        Assert.Equal(["faithfulness/chance/deletion_auc", "faithfulness/chance/insertion_auc", "time/faithfulness_ms/chance"], first.Scalars.Skip(6).Select(s => s.Tag));
        Assert.Equal(second.Faithfulness["GradCam"].MeanInsertion, second.Scalars.Single(s => s.Tag == ExplanationMonitor.InsertionTag("GradCam")).Value);
        Assert.Contains("5 steps", second.Scalars[0].Description, StringComparison.Ordinal);
        Assert.Contains("2 (S + 1) forward passes per image, S = 5 the steps", second.Scalars[2].Description, StringComparison.Ordinal);
        Assert.All(first.Scalars.Concat(second.Scalars), s => Assert.False(string.IsNullOrWhiteSpace(s.Description)));
        scope.Dispose();
        baseline.AssertUnchanged();
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        Assert.Equal("steps", Assert.Throws<ArgumentOutOfRangeException>(() => new ExplanationMonitor(steps: 0)).ParamName);
        Assert.Equal("internalBatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new ExplanationMonitor(internalBatchSize: 0)).ParamName);
        using var model = TrainingFixtures.SmallConvNet();
        using var images = torch.rand([1, 1, 6, 6]);
        var monitor = new ExplanationMonitor();
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => monitor.Measure(null!, images, [])).ParamName);
        Assert.Equal("explanations", Assert.Throws<ArgumentNullException>(() => monitor.Measure(model, images, null!)).ParamName);
        Assert.Empty(monitor.Measure(model, images, []).Scalars);
    }

    /// <summary>Explains the batch with each method, measures, and returns the figures with each attribution's saliency.</summary>
    private static (ExplanationMeasurement Measured, Dictionary<string, float[]> Saliency) MeasureOnce(ExplanationMonitor monitor, nn.Module<Tensor, Tensor> model,
        LabeledBatch batch, IExplainer[] methods, bool randomBaseline)
    {
        var explanations = methods.Select(m => m.Explain(batch.Images, Targets.Labels(batch.Labels))).ToList();
        try
        {
            var saliency = explanations.OfType<Attribution>().ToDictionary(a => a.Method, a => a.Saliency.ToFloats());
            return (monitor.Measure(model, batch.Images, explanations, randomBaseline), saliency);
        }
        finally
        {
            explanations.ForEach(e => e.Dispose());
        }
    }
}
