using TrainExplain.TensorBoard;
using TrainExplain.Torch;

namespace MnistTrainer.Tests;

/// <summary>Runs the example's train and explain commands in-process on a slice of Fashion-MNIST and reads back what they wrote.</summary>
public sealed class EndToEndTests : IDisposable
{
    private const string Data = "/usr/share/datasets/fashion-mnist";
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-e2e").FullName;

    private static int Run(params string[] args) => CommandLineErrors.Run(App.CreateRoot(), args);

    private static void RequireData()
    {
        if (!Directory.Exists(Data))
        {
            Assert.Skip($"{Data} is absent (scripts/setup.sh installs dataset-fashion-mnist).");
        }
    }

    [Fact]
    public void TrainWritesScalarsImagesAndWeightsThenExplainReadsThem()
    {
        RequireData();
        var logdir = Path.Combine(root, "runs");
        Assert.Equal(0, Run("train", "--data", Data, "--epochs", "2", "--limit-train", "256", "--limit-val", "64", "--explain-count", "4",
            "--logdir", logdir, "--run-name", "e2e", "--device", "cpu", "--seed", "1"));

        var run = Path.Combine(logdir, "e2e");
        var events = EventFileReader.ReadRun(run).ToList();
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        foreach (var tag in new[] { "loss/train", "loss/val", "accuracy/train", "accuracy/val", "learning_rate" })
        {
            Assert.Equal([1L, 2L], events.Scalars(tag).Select(s => s.Step));
        }
        var explainTags = events.Tags().Where(t => t.StartsWith("explain/", StringComparison.Ordinal)).ToList();
        Assert.Equal(ExplainerCatalog.Names.Count, explainTags.Count);
        foreach (var tag in explainTags)
        {
            var images = events.ValuesOf(tag);
            Assert.Equal([1L, 2L], images.Select(i => i.Step));
            Assert.All(images, i => Assert.True(i.Value.Image!.Decode().Width > 28));
        }
        Assert.Contains(events.Tags(), t => t.StartsWith("weights/conv1.weight", StringComparison.Ordinal));
        foreach (var method in Directory.GetDirectories(Path.Combine(run, "images")))
        {
            Assert.True(File.Exists(Path.Combine(method, "epoch_002.png")), method);
        }

        var weights = Path.Combine(run, "model.safetensors");
        var output = Path.Combine(root, "explained");
        Assert.Equal(0, Run("explain", "--weights", weights, "--method", "ig", "--data", Data, "--indices", "0-3", "--target", "label",
            "--steps", "16", "--out", output, "--device", "cpu"));
        Assert.True(File.Exists(Path.Combine(output, "ig.png")));
        using var scope = torch.NewDisposeScope();
        var saved = torch.load_safetensors(Path.Combine(output, "ig.safetensors"));
        Assert.Equal([4L, 1, 28, 28], saved["attributions"].shape);
        Assert.Equal([4L, 28, 28], saved["heatmaps"].shape);
        Assert.Equal([4L, 1, 28, 28], saved["inputs"].shape);
        Assert.Equal([9L, 2, 1, 1], saved["targets"].data<long>());   // the first four Fashion-MNIST test labels
        Assert.Equal([4L], saved["scores"].shape);
        Assert.Equal([4L], saved["delta"].shape);
    }

    [Theory]
    [InlineData("train", "--epochs", "0")]
    [InlineData("train", "--arch", "resnet")]
    [InlineData("train", "--explainers", "vanilla,bogus")]
    [InlineData("train", "--device", "cuda:7")]
    [InlineData("explain", "--weights", "/nonexistent.safetensors", "--method", "vanilla", "--data", Data, "--indices", "0-1")]
    [InlineData("explain", "--weights", "w.safetensors", "--method", "nope")]
    [InlineData("explain", "--weights", "w.safetensors", "--method", "vanilla", "--data", Data, "--indices", "5-2")]
    public void BadArgumentsGetOneLineAndExitCodeTwo(params string[] args)
    {
        var previous = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            Assert.Equal(2, Run(args));
        }
        finally
        {
            Console.SetError(previous);
        }
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.StartsWith("error:", l));
        Assert.DoesNotContain("   at ", error.ToString());
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
