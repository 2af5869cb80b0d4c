using System.Diagnostics;
using MnistTrainer;
using MnistTrainer.Models;
using TrainExplain.Callbacks;
using TrainExplain.Data;
using TrainExplain.Explainers;
using TrainExplain.Training;

namespace TrainExplain.Benchmarks;

/// <summary>
/// Training throughput of both example architectures (Adam, batch 64, cross-entropy, synthetic [0, 1) images, as the
/// PyTorch reference does) and the share of an epoch that the explainer callbacks take at their defaults (16 images).
/// </summary>
internal static class TrainingBenchmarks
{
    internal static IReadOnlyList<BenchmarkRow> Run(bool quick)
    {
        var rows = new List<BenchmarkRow>
        {
            Throughput("simple", quick ? 1024 : 4096),
            Throughput("deep", quick ? 128 : 512),
        };
        rows.AddRange(CallbackShare(quick ? 2048 : 8192));
        return rows;
    }

    private static BenchmarkRow Throughput(string architecture, int images)
    {
        manual_seed(0);
        using var data = SyntheticData(images);
        using var model = Architectures.Create(architecture);
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        using var loss = nn.CrossEntropyLoss();
        var loader = new DataLoader(data, 64, shuffle: true);
        Trainer.Fit(model, optimizer, loss, new DataLoader(data, 64), null, 1);   // warm-up epoch
        var (median, best) = Measure.Milliseconds(() => Trainer.Fit(model, optimizer, loss, loader, null, 1), repeats: 3, warmup: 0);
        return new BenchmarkRow("training", $"train/{architecture}", images / (median / 1000), "images/s",
            $"{images} images per epoch, best {images / (best / 1000):F0} images/s");
    }

    /// <summary>
    /// One epoch of the simple model, then one callback with every method at its defaults on 16 images (the one-pass
    /// methods sharing a pass, as in the example): the callback's share of the epoch, and each method's.
    /// </summary>
    private static IEnumerable<BenchmarkRow> CallbackShare(int images)
    {
        manual_seed(0);
        using var data = SyntheticData(images);
        using var model = new SimpleConvNet();
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        using var loss = nn.CrossEntropyLoss();
        var loader = new DataLoader(data, 64, shuffle: true);
        var (batch, labels) = data.Take(16);
        using var _ = batch;
        using var __ = labels;
        Trainer.Fit(model, optimizer, loss, loader, null, 1);
        var plain = Measure.Milliseconds(() => Trainer.Fit(model, optimizer, loss, loader, null, 1), repeats: 2, warmup: 0).Median;
        using var callback = new ExplainerCallback(ExplainerCatalog.Names.Select(name => ExplainerCatalog.Create(name, model, new ExplainerSettings())),
            batch, Targets.Labels(labels));
        var context = new TrainingContext(model, optimizer, CPU, 1, 0) { Epoch = 1 };
        callback.OnEpochEnd(context);
        var clock = Stopwatch.StartNew();
        callback.OnEpochEnd(context);
        var total = clock.Elapsed.TotalMilliseconds;
        for (var i = 0; i < ExplainerCatalog.Names.Count; i++)
        {
            var milliseconds = callback.LastElapsed[i].TotalMilliseconds;
            yield return new BenchmarkRow("callbacks", $"callback/{ExplainerCatalog.Names[i]}", 100 * milliseconds / (plain + total), "% of epoch",
                $"{milliseconds:F0} ms of the callback's {total:F0} ms on 16 images");
        }
        yield return new BenchmarkRow("callbacks", "callback/all", 100 * total / (plain + total), "% of epoch",
            $"{total:F0} ms for all {ExplainerCatalog.Names.Count} methods (explain, render, write) vs {plain:F0} ms epoch of {images} images");
    }

    private static ImageDataset SyntheticData(int images)
    {
        using var scope = NewDisposeScope();
        var x = rand([images, 1, 28, 28]);
        var y = randint(0, 10, [images]);
        return new ImageDataset(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }
}
