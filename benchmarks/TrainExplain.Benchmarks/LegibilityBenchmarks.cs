using System.Diagnostics;
using System.Globalization;
using MnistTrainer;
using MnistTrainer.Models;
using Spectre.Console;
using TrainExplain.Data;
using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.Training;

namespace TrainExplain.Benchmarks;

/// <summary>
/// How recognizable activation maximization's class images are (issue 14, item 7), with the example's explainer as its
/// train command makes it (defaults, the training set's mean image as the reference) on the simple ConvNet: the given trained weights, or one epoch of training on the training split. The proxy
/// for legibility is the Pearson correlation of each class image with the mean training image of its class. The class
/// means are alike (the mean of all training images reaches 0.56 to 0.92 with each of Fashion-MNIST's), so a blur of the
/// dataset's mean would pass that test: whether the image is closest (by correlation) to its own class's mean says
/// whether it is told apart. Beside them the class's softmax probability at the image, the share of pixels at the
/// range's ends (rendered as 0 or 255), the passes and the time. Prints a table per class and writes the class images
/// beside the JSON results.
/// </summary>
internal static class LegibilityBenchmarks
{
    /// <summary>The correlation a class image must reach to count as legible.</summary>
    private const double LegibleCorrelation = 0.5;

    internal static IReadOnlyList<BenchmarkRow> Run(string? modelPath, string? dataDirectory, string imagePath, bool quick)
    {
        using var train = ImageDataset.LoadMnist(DataDirectory.Resolve(dataDirectory), train: true);
        using var model = Model(modelPath, train);
        using var meanImage = train.Images.mean([0]);
        var visualizer = ExplainerCatalog.CreateClassVisualizer(model, new ExplainerSettings(Reference: meanImage));
        var repeats = quick ? 1 : 3;
        var processor = Process.GetCurrentProcess().TotalProcessorTime;
        var (median, _) = Measure.Milliseconds(() => visualizer.Visualize().Dispose(), repeats, warmup: 0);
        // CPU time as well: on a shared machine it moves far less than the wall clock.
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - processor).TotalMilliseconds / repeats;
        using var images = (ClassImages)visualizer.Visualize();
        images.SaveGrid(imagePath);
        var withMeans = CorrelationsWithClassMeans(images, train);
        var correlations = images.Targets.Select((c, i) => withMeans[i][c]).ToArray();
        var closest = withMeans.Select(row => (long)Array.IndexOf(row, row.Max())).ToArray();
        var actmax = (ActivationMaximization)visualizer;
        var (dark, bright) = Saturation(images.Images, actmax.Low, actmax.High);
        PrintTable(images, correlations, closest, dark, bright);
        var legible = correlations.Count(c => c >= LegibleCorrelation);
        var source = modelPath is null ? "one epoch of training" : Path.GetFileName(modelPath);
        return
        [
            new("legibility", "actmax/legible_classes", legible, "classes",
                $"of {correlations.Length} with correlation >= {LegibleCorrelation} to the class's mean training image ({source}); images: {imagePath}"),
            new("legibility", "actmax/closest_to_own_mean", closest.Where((c, i) => c == images.Targets[i]).Count(), "classes",
                $"of {correlations.Length} whose image correlates best with its own class's mean"),
            new("legibility", "actmax/mean_correlation", correlations.Average(), "r", "Pearson r with the class's mean training image, mean over classes"),
            new("legibility", "actmax/min_probability", images.ProbabilitiesAfter.Min(), "p", "lowest softmax probability of a class at its image"),
            new("legibility", "actmax/saturated", 100 * (dark.Average() + bright.Average()), "% of pixels", $"{100 * dark.Average():F0}% at the low end, {100 * bright.Average():F0}% at the high end"),
            new("legibility", "actmax/time", median, "ms", $"{images.Passes} passes for {correlations.Length} classes; {cpu:F0} ms of CPU time ({get_num_threads()} threads)"),
        ];
    }

    /// <summary>The simple ConvNet with <paramref name="path"/>'s weights, or trained for one epoch on <paramref name="train"/>.</summary>
    private static SimpleConvNet Model(string? path, ImageDataset train)
    {
        manual_seed(0);
        var model = new SimpleConvNet();
        if (path is not null)
        {
            ModelWeights.Load(model, path);
            return model;
        }
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        using var loss = nn.CrossEntropyLoss();
        Trainer.Fit(model, optimizer, loss, new BatchLoader(train, 64, shuffle: true), null, 1);
        return model;
    }

    /// <summary>Pearson correlations [images, classes] of each class image with the mean training image of every class.</summary>
    private static double[][] CorrelationsWithClassMeans(ClassImages images, ImageDataset train)
    {
        using var scope = NewDisposeScope();
        var classes = train.Labels.max().item<long>() + 1;
        var means = stack([.. Enumerable.Range(0, (int)classes).Select(c => train.Images[train.Labels == c].mean([0]).flatten())]);
        var all = corrcoef(cat([images.Images.flatten(1), means]).to(ScalarType.Float64));
        var count = images.Images.size(0);
        var values = all.narrow(0, 0, count).narrow(1, count, classes).contiguous().data<double>().ToArray();
        return [.. values.Chunk((int)classes)];
    }

    /// <summary>Per image, the share of pixels that render as 0 and as 255 (within half a grey level of the range's ends).</summary>
    private static (double[] Dark, double[] Bright) Saturation(Tensor images, double low, double high)
    {
        using var scope = NewDisposeScope();
        var pixels = ((images - low) / (high - low)).flatten(1);
        static double[] Share(Tensor mask) => mask.to(ScalarType.Float64).mean([1]).data<double>().ToArray();
        return (Share(pixels <= 0.5 / 255), Share(pixels >= 254.5 / 255));
    }

    private static void PrintTable(ClassImages images, double[] correlations, long[] closest, double[] dark, double[] bright)
    {
        static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
        var table = new Table().AddColumn("class").AddColumn(new TableColumn("r with class mean").RightAligned())
            .AddColumn(new TableColumn("closest mean").RightAligned()).AddColumn(new TableColumn("probability").RightAligned()).AddColumn(new TableColumn("at 0 / at 255").RightAligned());
        for (var i = 0; i < correlations.Length; i++)
        {
            table.AddRow($"{images.Targets[i]}", F(correlations[i]), $"{closest[i]}", F(images.ProbabilitiesAfter[i]), $"{F(dark[i])} / {F(bright[i])}");
        }
        AnsiConsole.Write(table);
    }
}
