using TrainExplain.Callbacks;
using TrainExplain.Explainers;
using TrainExplain.Metrics;
using TrainExplain.TensorBoard;
using TrainExplain.Testing;
using TrainExplain.Tests.TensorBoard;
using TrainExplain.Tests.Training;
using TrainExplain.Training;

namespace TrainExplain.Tests.Callbacks;

/// <summary>
/// Issue 15, items 2 and 3: by default the explainer callback logs, per method with a per-pixel map and per explained
/// epoch, the deletion and insertion AUC of its maps; once per epoch those of a random order; from the second explained
/// epoch each method's stability; and their cost, each under a described tag. The values are those of the library's
/// metrics on the same saliency. An option turns them off.
/// </summary>
public sealed class FaithfulnessCallbackTests : IDisposable
{
    private readonly TemporaryDirectory run = new();

    private string Folder => run.Path;

    public void Dispose() => run.Dispose();

    /// <summary>At each explained epoch, after the explainer callback: each method's saliency, explained again on its own.</summary>
    private sealed class SaliencyRecorder(IReadOnlyList<IExplainer> methods, Tensor images, Tensor labels, int every) : ITrainingCallback
    {
        public List<Dictionary<string, float[]>> Epochs { get; } = [];

        public void OnEpochEnd(TrainingContext context)
        {
            if (!context.IsEveryEpochs(every))
            {
                return;
            }
            var saliency = new Dictionary<string, float[]>();
            foreach (var method in methods)
            {
                using var explanation = method.Explain(images, Targets.Labels(labels));
                if (explanation is Attribution attribution)
                {
                    saliency[method.Name] = attribution.Saliency.ToFloats();
                }
            }
            Epochs.Add(saliency);
        }
    }

    private static IExplainer[] Methods(nn.Module<Tensor, Tensor> model) =>
        [new VanillaGradients(model), new GradCam(model), new IntegratedGradients(model, steps: 4), new OcclusionSensitivity(model, patch: 2, stride: 2), new LayerActivations(model)];

    [Fact]
    public void EveryExplainedEpochLogsEachMethodsAucsTheRandomBaselineOnceAndStabilityFromTheSecond()
    {
        torch.manual_seed(82);
        using var model = TrainingFixtures.SmallConvNet();
        using var batch = new LabeledBatch(6, seed: 9);
        var (images, labels) = (batch.Images, batch.Labels);
        var methods = Methods(model);
        var recorder = new SaliencyRecorder(methods, images, labels, every: 2);
        ExplainerCallback callback;
        using (var writer = new TensorBoardWriter(Folder))
        {
            callback = new ExplainerCallback(methods, images, Targets.Labels(labels), writer, options: new ExplainerCallbackOptions { Every = 2, FaithfulnessSteps = 6 });
            // A second callback on the same writer measures its own method, but leaves the chance level to the first.
            using var second = new ExplainerCallback(new GradientsInputs(model), images, Targets.Labels(labels), writer, options: new ExplainerCallbackOptions { Every = 2 });
            CallbackTests.Fit(model, 5, callback, second, recorder);
            callback.Dispose();
        }

        var events = EventFileReader.ReadRun(Folder).ToList();
        string[] mapped = ["VanillaGradients", "GradCam", "IntegratedGradients", "OcclusionSensitivity"];
        foreach (var name in mapped.Append("GradientsInputs"))
        {
            foreach (var tag in new[] { $"faithfulness/{name}/deletion_auc", $"faithfulness/{name}/insertion_auc", $"time/faithfulness_ms/{name}", $"time/explain_ms/{name}" })
            {
                Assert.Equal([1L, 3L, 5L], events.Scalars(tag).Select(s => s.Step));
            }
            Assert.Equal([3L, 5L], events.Scalars($"stability/{name}").Select(s => s.Step));
            Assert.All(events.Scalars($"faithfulness/{name}/deletion_auc").Concat(events.Scalars($"faithfulness/{name}/insertion_auc")), s => Assert.InRange(s.Value, 0f, 1f));
            Assert.All(events.Scalars($"stability/{name}"), s => Assert.InRange(s.Value, -1f, 1f));
            Assert.All(events.Scalars($"time/faithfulness_ms/{name}"), s => Assert.True(s.Value > 0));
        }
        foreach (var tag in new[] { "faithfulness/chance/deletion_auc", "faithfulness/chance/insertion_auc", "time/faithfulness_ms/chance" })
        {
            Assert.Equal([1L, 3L, 5L], events.Scalars(tag).Select(s => s.Step));
        }
        Assert.DoesNotContain(events.Tags(), t => t.Contains("LayerActivations", StringComparison.Ordinal) && !t.StartsWith("explain/", StringComparison.Ordinal) && !t.StartsWith("time/explain_ms/", StringComparison.Ordinal));
        foreach (var tag in events.Tags().Where(t => t.StartsWith("faithfulness/", StringComparison.Ordinal) || t.StartsWith("stability/", StringComparison.Ordinal)))
        {
            Assert.False(string.IsNullOrWhiteSpace(events.ValuesOf(tag)[0].Value.Description), $"{tag} has no description");
        }
        // Issue 24: tags whose path is not readable alone have a title.
        Assert.Equal("Deletion AUC, GradCam", events.ValuesOf("faithfulness/GradCam/deletion_auc")[0].Value.DisplayName);
        Assert.Equal("Insertion AUC, chance level", events.ValuesOf("faithfulness/chance/insertion_auc")[0].Value.DisplayName);
        Assert.Equal("Faithfulness time (ms), GradCam", events.ValuesOf("time/faithfulness_ms/GradCam")[0].Value.DisplayName);
        Assert.Equal("Stability, GradCam", events.ValuesOf("stability/GradCam")[0].Value.DisplayName);
        Assert.Equal("Explanation time (ms), LayerActivations", events.ValuesOf("time/explain_ms/LayerActivations")[0].Value.DisplayName);
        // Issue 24: activations depend on no target, and their grid's description names none.
        Assert.DoesNotContain("target", events.ValuesOf("explain/LayerActivations")[0].Value.Description, StringComparison.Ordinal);
        Assert.Contains("target (labels)", events.ValuesOf("explain/GradCam")[0].Value.Description, StringComparison.Ordinal);

        // The last explained epoch (5): the callback's figures are the library's metrics on the same saliency and model.
        var (last, previous) = (recorder.Epochs[^1], recorder.Epochs[^2]);
        using var scope = torch.NewDisposeScope();
        var metric = new DeletionInsertion(model, steps: 6);
        foreach (var name in mapped)
        {
            var saliency = torch.tensor(last[name], [6, 6, 6]);
            var direct = metric.Measure(images, saliency, labels);
            AssertSame(direct.Deletion, callback.LastFaithfulness[name].Deletion, $"{name} deletion");
            AssertSame(direct.Insertion, callback.LastFaithfulness[name].Insertion, $"{name} insertion");
            Assert.Equal((float)direct.MeanDeletion, events.Scalars($"faithfulness/{name}/deletion_auc")[^1].Value, 1e-6f);
            Assert.Equal((float)direct.MeanInsertion, events.Scalars($"faithfulness/{name}/insertion_auc")[^1].Value, 1e-6f);
            var stability = RankStability.Mean(RankStability.PerImage(previous[name], last[name], 36));
            Assert.Equal(stability, callback.LastStability[name], 1e-9);
            Assert.Equal((float)stability, events.Scalars($"stability/{name}")[^1].Value, 1e-6f);
        }
        var random = metric.MeasureRandomOrder(images, labels);
        AssertSame(random.Deletion, callback.LastFaithfulness["chance"].Deletion, "random deletion");
        AssertSame(random.Insertion, callback.LastFaithfulness["chance"].Insertion, "random insertion");
        Assert.Equal(mapped.Append("chance").Order(), callback.LastFaithfulness.Keys.Order());
        Assert.Equal(mapped.Order(), callback.LastStability.Keys.Order());
    }

    [Fact]
    public void TheOptionTurnsTheMetricsOff()
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var batch = new LabeledBatch(4, seed: 9);
        using (var writer = new TensorBoardWriter(Folder))
        {
            using var callback = new ExplainerCallback(Methods(model), batch.Images, Targets.Labels(batch.Labels), writer, options: new ExplainerCallbackOptions { Faithfulness = false });
            CallbackTests.Fit(model, 2, callback);
            Assert.Empty(callback.LastFaithfulness);
            Assert.Empty(callback.LastStability);
        }
        var tags = EventFileReader.ReadRun(Folder).ToList().Tags();
        Assert.DoesNotContain(tags, t => t.StartsWith("faithfulness/", StringComparison.Ordinal) || t.StartsWith("stability/", StringComparison.Ordinal)
            || t.StartsWith("time/faithfulness_ms/", StringComparison.Ordinal));
        Assert.Contains("explain/GradCam", tags);
        Assert.Contains("time/explain_ms/GradCam", tags);
    }

    [Fact]
    public void OutputFunctionTargetsAreNotMeasured()
    {
        // Deletion and insertion read the softmax probability of a class: a function of the output has none.
        using var model = TrainingFixtures.SmallConvNet();
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        using var images = torch.rand([3, 1, 6, 6]);
        using var callback = new ExplainerCallback(new VanillaGradients(model), images, Targets.Output(o => o[.., 0]));
        callback.OnEpochEnd(TrainingFixtures.ContextAt(model, optimizer, 1));
        Assert.Empty(callback.LastFaithfulness);
        Assert.Single(callback.LastElapsed);
    }

    private static void AssertSame(IReadOnlyList<float> expected, IReadOnlyList<float> actual, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6, $"{what} of image {i}: the callback says {actual[i]}, the metric {expected[i]}");
        }
    }
}
