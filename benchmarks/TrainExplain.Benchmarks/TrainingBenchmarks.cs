using MnistTrainer;
using MnistTrainer.Models;
using TrainExplain.Callbacks;
using TrainExplain.Data;
using TrainExplain.Explainers;
using TrainExplain.Training;

namespace TrainExplain.Benchmarks;

/// <summary>
/// Training throughput of both example architectures (Adam, batch 64, cross-entropy, synthetic [0, 1) images, as the
/// PyTorch reference does) and the share of an epoch that the explainer callbacks take at their defaults (16 images),
/// on the CPU or a GPU (<c>--device</c>; the data stays on the CPU and each batch moves, as in the example).
/// </summary>
internal static class TrainingBenchmarks
{
    internal static IReadOnlyList<BenchmarkRow> Run(bool quick, Device device)
    {
        var rows = new List<BenchmarkRow>
        {
            Throughput("simple", quick ? 1024 : 4096, device),
            Throughput("deep", quick ? 128 : 512, device),
        };
        rows.AddRange(CallbackShare(quick ? 2048 : 8192, device));
        return rows;
    }

    private static BenchmarkRow Throughput(string architecture, int images, Device device)
    {
        manual_seed(0);
        using var data = SyntheticData(images);
        using var model = Architectures.Create(architecture);
        model.to(device);
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        using var loss = nn.CrossEntropyLoss();
        var loader = new BatchLoader(data, 64, shuffle: true, device: device);
        Trainer.Fit(model, optimizer, loss, new BatchLoader(data, 64, device: device), null, 1);   // warm-up epoch
        var (median, best) = Measure.Milliseconds(() => Trainer.Fit(model, optimizer, loss, loader, null, 1), repeats: 3, warmup: 0, device: device);
        return new BenchmarkRow("training", $"train/{architecture}", images / (median / 1000), "images/s",
            $"{images} images per epoch, best {images / (best / 1000):F0} images/s");
    }

    /// <summary>
    /// One epoch of the simple model, then one callback with every input method at its defaults on 16 images (the
    /// one-pass methods sharing a pass, as in the example) and activation maximization's callback: the callbacks' share
    /// of the epoch, and each method's. The faithfulness figures (deletion and insertion AUC of every map and of the
    /// random order, and stability) are measured as the difference between the callback with them and without, and
    /// reported as a share of a full 60,000-image epoch (issue 15's goal: under 2%).
    /// </summary>
    private static IEnumerable<BenchmarkRow> CallbackShare(int images, Device device)
    {
        manual_seed(0);
        using var data = SyntheticData(images);
        using var model = new SimpleConvNet();
        model.to(device);
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        using var loss = nn.CrossEntropyLoss();
        var loader = new BatchLoader(data, 64, shuffle: true, device: device);
        var (batch, labels) = data.Take(16, device);
        using var _ = batch;
        using var __ = labels;
        Trainer.Fit(model, optimizer, loss, loader, null, 1);
        var plain = Measure.Milliseconds(() => Trainer.Fit(model, optimizer, loss, loader, null, 1), repeats: 2, warmup: 0, device: device).Median;
        var names = ExplainerCatalog.Names.Where(ExplainerCatalog.ExplainsInputs).ToList();
        using var callback = ExplainerCallbackOf(names, model, batch, labels, faithfulness: true);
        using var withoutMetrics = ExplainerCallbackOf(names, model, batch, labels, faithfulness: false);
        var classes = new ClassVisualizationCallback(ExplainerCatalog.CreateClassVisualizer(model, new ExplainerSettings()));
        var context = new TrainingContext(model, optimizer, epochs: 1, batchesPerEpoch: 0);
        context.BeginEpoch(1);
        var withMetrics = EpochEndMilliseconds(callback, context, device);
        var explainOnly = EpochEndMilliseconds(withoutMetrics, context, device);
        var visualization = EpochEndMilliseconds(classes, context, device);
        var total = withMetrics + visualization;
        for (var i = 0; i < names.Count; i++)
        {
            var milliseconds = callback.LastElapsed[i].TotalMilliseconds;
            yield return new BenchmarkRow("callbacks", $"callback/{names[i]}", 100 * milliseconds / (plain + total), "% of epoch",
                $"{milliseconds:F0} ms of the callbacks' {total:F0} ms on 16 images");
        }
        yield return new BenchmarkRow("callbacks", $"callback/{ExplainerCatalog.ClassVisualization}", 100 * visualization / (plain + total), "% of epoch",
            $"{visualization:F0} ms for 10 classes (visualize, render, write) of the callbacks' {total:F0} ms");
        var metrics = withMetrics - explainOnly;
        var fullEpoch = plain * 60_000 / images;
        yield return new BenchmarkRow("callbacks", "callback/faithfulness", 100 * metrics / fullEpoch, "% of 60k epoch",
            $"{metrics:F0} ms for deletion/insertion AUC (S = 16) of {callback.LastFaithfulness.Count - 1} maps + the random order and stability, 16 images, vs {fullEpoch:F0} ms for a 60,000-image epoch ({explainOnly:F0} ms without them)");
        yield return new BenchmarkRow("callbacks", "callback/all", 100 * total / (plain + total), "% of epoch",
            $"{total:F0} ms for all {ExplainerCatalog.Names.Count} methods (explain, measure, render, write) vs {plain:F0} ms epoch of {images} images");
    }

    private static ExplainerCallback ExplainerCallbackOf(IReadOnlyList<string> names, nn.Module<Tensor, Tensor> model, Tensor batch, Tensor labels, bool faithfulness) =>
        new(names.Select(name => ExplainerCatalog.CreateExplainer(name, model, new ExplainerSettings())), batch, Targets.Labels(labels),
            options: new ExplainerCallbackOptions { Faithfulness = faithfulness });

    /// <summary>The time of one <see cref="ITrainingCallback.OnEpochEnd"/> after a warm-up call (median of 3).</summary>
    private static double EpochEndMilliseconds(ITrainingCallback callback, TrainingContext context, Device device) =>
        Measure.Milliseconds(() => callback.OnEpochEnd(context), repeats: 3, warmup: 1, device: device).Median;

    private static ImageDataset SyntheticData(int images)
    {
        using var scope = NewDisposeScope();
        var x = rand([images, 1, 28, 28]);
        var y = randint(0, 10, [images]);
        return new ImageDataset(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }
}
