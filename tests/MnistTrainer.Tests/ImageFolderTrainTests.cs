using MnistTrainer.Models;
using MnistTrainer.Tests.Support;
using TrainExplain.Data.SafeTensors;
using TrainExplain.Imaging;
using TrainExplain.Testing;

namespace MnistTrainer.Tests;

/// <summary><c>train --data</c> on an image folder (train/&lt;class&gt;/*, val/&lt;class&gt;/*) of generated PNGs, and <c>train --weights</c>.</summary>
public sealed class ImageFolderTrainTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-folders").FullName;

    public void Dispose() => Directory.Delete(this.root, recursive: true);

    /// <summary>
    /// Writes <paramref name="perClass"/> images of each class into <c>data/split/class/</c>: a bright square whose side
    /// grows with the class, gray 28x28 for even images and RGB 40x36 (which the transform resizes) for odd ones.
    /// </summary>
    private string WriteFolder(string split, IReadOnlyList<string> classes, int perClass, string name = "data")
    {
        var data = Path.Combine(this.root, name);
        for (var label = 0; label < classes.Count; label++)
        {
            var folder = Directory.CreateDirectory(Path.Combine(data, split, classes[label])).FullName;
            for (var i = 0; i < perClass; i++)
            {
                var (width, height, channels) = i % 2 == 0 ? (28, 28, 1) : (40, 36, 3);
                var pixels = new byte[width * height * channels];
                var side = 6 + (6 * label) + i;
                for (var y = 0; y < Math.Min(side, height); y++)
                {
                    Array.Fill(pixels, (byte)200, y * width * channels, Math.Min(side, width) * channels);
                }
                Png.Save(new Image(width, height, channels, pixels), Path.Combine(folder, $"{i:D2}.png"));
            }
        }
        return data;
    }

    private string ThreeClasses()
    {
        string[] classes = ["small", "medium", "large"];
        WriteFolder("train", classes, 8);
        return WriteFolder("val", classes, 3);
    }

    [Fact]
    public void TrainsOnAnImageFolderAndFineTunesFromItsWeights()
    {
        var data = ThreeClasses();
        var logdir = Path.Combine(this.root, "runs");
        var printed = Cli.Succeed("train", "--data", data, "--arch", "simple", "--epochs", "1", "--batch-size", "4", "--explain-count", "3",
            "--explainers", "vanilla,actmax", "--metric-steps", "4", "--logdir", logdir, "--run-name", "folder", "--device", "cpu");

        Assert.Contains($"data {data}", printed);
        var run = Path.Combine(logdir, "folder");
        var events = EventFileReader.ReadRun(run).ToList();
        // 24 training images in batches of 4: one epoch of six steps, validated on the 9 val images.
        Assert.Equal([1L], events.Scalars("loss/train").Select(s => s.Step));
        Assert.Equal([1L], events.Scalars("accuracy/val").Select(s => s.Step));
        Assert.Equal([1L], events.ValuesOf("explain/VanillaGradients").Select(i => i.Step));
        Assert.True(File.Exists(Path.Combine(run, "images", "vanillagradients", "epoch_001.png")));
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(run, "images")).Length);
        var trained = Path.Combine(run, "model.safetensors");

        // A learning rate of 1e-12 moves no weight by more than about 1e-11: the fine-tuned weights are the loaded ones,
        // not a fresh initialization (which the same seed would make, and which one training epoch moved by ~1e-3).
        Cli.Succeed("train", "--data", data, "--weights", trained, "--epochs", "1", "--lr", "1e-12", "--explainers", "none",
            "--logdir", logdir, "--run-name", "tuned", "--device", "cpu");
        using var scope = NewDisposeScope();
        var before = TensorSafeTensors.Load(trained);
        var after = TensorSafeTensors.Load(Path.Combine(logdir, "tuned", "model.safetensors"));
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(before, p => Assert.True(p.Value.allclose(after[p.Key], rtol: 0, atol: 1e-6), p.Key));
    }

    [Fact]
    public void TrainingOnAnImageFolderFromWeightsLeavesNoLiveTensors()
    {
        var data = ThreeClasses();
        var logdir = Path.Combine(this.root, "runs");
        string[] Train(string runName, params string[] more) => ["train", "--data", data, "--epochs", "1", "--batch-size", "8", "--explain-count", "3",
            "--explainers", "vanilla,actmax", "--metric-steps", "4", "--logdir", logdir, "--run-name", runName, "--device", "cpu", .. more];
        Cli.Succeed(Train("first"));   // first calls: TorchSharp's and libtorch's one-time state
        long parameters;
        using (var model = new SimpleConvNet())
        {
            parameters = model.parameters().Count();
        }

        var baseline = LiveTensors();
        Cli.Succeed(Train("again", "--weights", Path.Combine(logdir, "first", "model.safetensors")));

        // One per parameter of the model the command built: TorchSharp's Parameter counting artifact (see NoLeakTests).
        Assert.Equal(baseline + parameters, LiveTensors());
    }

    /// <summary>Live tensors once the finalizer has run, so that the count reflects what the command still holds.</summary>
    private static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Tensor.TotalCount;
    }

    [Fact]
    public void WeightsOfAnotherArchitectureAreRefusedNamingTheFlag()
    {
        var data = ThreeClasses();
        var logdir = Path.Combine(this.root, "runs");
        Cli.Succeed("train", "--data", data, "--epochs", "1", "--explainers", "none", "--logdir", logdir, "--run-name", "simple", "--device", "cpu");
        var weights = Path.Combine(logdir, "simple", "model.safetensors");

        var (exitCode, _, error) = Cli.Run("train", "--data", data, "--arch", "deep", "--weights", weights, "--epochs", "1", "--explainers", "none",
            "--logdir", logdir, "--run-name", "deep", "--device", "cpu");

        Assert.NotEqual(0, exitCode);
        Cli.AssertOneLineErrors(error);
        Assert.Contains($"--weights {weights}:", error);
        Assert.Contains("(with --arch deep); the file fits --arch simple", error);

        (exitCode, _, error) = Cli.Run("train", "--data", data, "--weights", Path.Combine(this.root, "missing.pt"), "--logdir", logdir, "--run-name", "missing");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("--weights", error);
        Assert.Contains("does not exist", error);
        Assert.False(Directory.Exists(Path.Combine(logdir, "missing")));
    }

    [Fact]
    public void ATorchVisionArchitectureTrainsOnAnImageFolderWithOneOutputPerClassAndItsCamLayer()
    {
        var data = ThreeClasses();
        var logdir = Path.Combine(this.root, "runs");
        var printed = Cli.Succeed("train", "--data", data, "--arch", "resnet18", "--epochs", "1", "--batch-size", "8", "--limit-train", "8", "--limit-val", "3",
            "--explain-count", "2", "--explainers", "gradcam", "--metric-steps", "2", "--logdir", logdir, "--run-name", "resnet", "--device", "cpu");

        var run = Path.Combine(logdir, "resnet");
        // Grad-CAM on layer4, the ResNets' default layer, not on the last Conv2d (layer4.1.conv2).
        Assert.True(File.Exists(Path.Combine(run, "images", "gradcam-layer4", "epoch_001.png")));
        using var scope = NewDisposeScope();
        var weights = TensorSafeTensors.Load(Path.Combine(run, "model.safetensors"));
        Assert.Equal([3L, 512L], weights["fc.weight"].shape);
        var events = EventFileReader.ReadRun(run).ToList();
        Assert.Equal([1L], events.Scalars("accuracy/val").Select(s => s.Step));
        // Issue 23, item 6: a torchvision model's explainer callback keeps within 5 % of the run's time; the first epoch is always explained.
        Assert.Contains("| explain budget | 5 % of the run's time |", events.ValuesOf("config/text_summary")[0].Value.Text, StringComparison.Ordinal);
        Assert.Matches(@"explained epochs\s*│\s*1: \d+\.\d s, \d+\.\d %", printed);
    }

    [Theory]
    [InlineData("mnist", "vanilla", "--arch resnet18 takes photos [3, 224, 224], which MNIST's 28x28 gray images are not: give --data an image folder")]
    [InlineData("folder", "gradcam,guidedbackprop", "--explainers guidedbackprop cannot run on --arch resnet18:")]
    public void ATorchVisionArchitectureIsRefusedOnMnistDataOrWithMethodsWhoseRulesMissItsRelusBeforeAnyOutput(string data, string explainers, string expected)
    {
        var folder = data == "folder" ? ThreeClasses() : FashionMnist.Directory;
        var logdir = Path.Combine(this.root, "runs");

        var (exitCode, _, error) = Cli.Run("train", "--data", folder, "--arch", "resnet18", "--explainers", explainers, "--logdir", logdir, "--device", "cpu");

        Assert.Equal(CommandLineErrors.UsageError, exitCode);
        Cli.AssertOneLineErrors(error);
        Assert.Contains(expected, error);
        Assert.False(Directory.Exists(logdir));
    }

    [Fact]
    public void AFolderOfNeitherLayoutIsRefusedNamingBoth()
    {
        var data = WriteFolder("train", ["a", "b"], 1);

        var (exitCode, _, error) = Cli.Run("train", "--data", data, "--logdir", Path.Combine(this.root, "runs"));

        Assert.Equal(CommandLineErrors.UsageError, exitCode);
        Cli.AssertOneLineErrors(error);
        Assert.Contains($"--data {data} holds neither layout", error);
        Assert.Contains("MNIST-format IDX files", error);
        Assert.Contains("train/<class>/* and val/<class>/*", error);
        Assert.False(Directory.Exists(Path.Combine(this.root, "runs")));
    }

    [Fact]
    public void SplitsWithOtherClassesOrMoreClassesThanOutputsAreRefused()
    {
        WriteFolder("train", ["a", "b"], 1);
        var data = WriteFolder("val", ["a", "c"], 1);
        var (exitCode, _, error) = Cli.Run("train", "--data", data, "--explainers", "none", "--logdir", Path.Combine(this.root, "runs"), "--device", "cpu");
        Assert.NotEqual(0, exitCode);
        Cli.AssertOneLineErrors(error);
        Assert.Contains("train/ has the class folders a, b but val/ has a, c", error);

        string[] eleven = [.. Enumerable.Range(0, 11).Select(i => $"c{i:D2}")];
        WriteFolder("train", eleven, 1, "eleven");
        data = WriteFolder("val", eleven, 1, "eleven");
        (exitCode, _, error) = Cli.Run("train", "--data", data, "--explainers", "none", "--logdir", Path.Combine(this.root, "runs"), "--device", "cpu");
        Assert.NotEqual(0, exitCode);
        Cli.AssertOneLineErrors(error);
        Assert.Contains($"--data {data} has 11 class folders, but --arch simple has 10 outputs", error);
    }
}
