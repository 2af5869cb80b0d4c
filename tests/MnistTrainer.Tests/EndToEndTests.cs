using MnistTrainer.Models;
using MnistTrainer.Tests.Support;
using TrainExplain.Data;
using TrainExplain.Data.SafeTensors;
using TrainExplain.Testing;

namespace MnistTrainer.Tests;

/// <summary>Runs the example's train and explain commands in-process on a slice of Fashion-MNIST and reads back what they wrote.</summary>
public sealed class EndToEndTests : IDisposable
{
    private const string Data = FashionMnist.Directory;
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-e2e").FullName;

    [Fact]
    public void TrainWritesScalarsImagesAndWeightsThenExplainReadsThem()
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");
        Cli.Succeed("train", "--data", Data, "--epochs", "2", "--limit-train", "256", "--limit-val", "64", "--explain-count", "4",
            "--logdir", logdir, "--run-name", "e2e", "--device", "cpu", "--seed", "1");

        var run = Path.Combine(logdir, "e2e");
        var events = EventFileReader.ReadRun(run).ToList();
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        foreach (var tag in new[] { "loss/train", "loss/val", "accuracy/train", "accuracy/val", "learning_rate" })
        {
            Assert.Equal([1L, 2L], events.Scalars(tag).Select(s => s.Step));
        }
        var explainTags = events.Tags().Where(t => t.StartsWith("explain/", StringComparison.Ordinal) && !t.EndsWith("/evolution", StringComparison.Ordinal)).ToList();
        Assert.Equal(ExplainerCatalog.Names.Count, explainTags.Count);
        foreach (var tag in explainTags)
        {
            var images = events.ValuesOf(tag);
            Assert.Equal([1L, 2L], images.Select(i => i.Step));
            Assert.All(images, i => Assert.True(i.Value.Image!.Decode().Width > 28));
            // Issue 14: at the end of training, one evolution figure per method.
            Assert.Equal([2L], events.ValuesOf($"{tag}/evolution").Select(i => i.Step));
        }
        // Issue 15: every method with a per-pixel map is measured each epoch, the random order once, stability from epoch 2.
        string[] mapped = ["VanillaGradients", "GradientsInputs", "SmoothGrad", "SmoothGradSquared", "VarGrad", "IntegratedGradients", "GradCam",
            "GradCamPlusPlus", "OcclusionSensitivity", "FullGrad", "LayerCam", "ScoreCam", "GuidedBackprop", "GuidedGradCam", "DeepLift"];
        Assert.Equal(mapped.Append("chance").Order(), events.Tags().Where(t => t.StartsWith("faithfulness/", StringComparison.Ordinal) && t.EndsWith("/deletion_auc", StringComparison.Ordinal))
            .Select(t => t.Split('/')[1]).Order());
        foreach (var name in mapped.Append("chance"))
        {
            Assert.Equal([1L, 2L], events.Scalars($"faithfulness/{name}/insertion_auc").Select(s => s.Step));
            Assert.All(events.Scalars($"faithfulness/{name}/deletion_auc"), s => Assert.InRange(s.Value, 0f, 1f));
        }
        Assert.Equal(mapped.Order(), events.Tags().Where(t => t.StartsWith("stability/", StringComparison.Ordinal)).Select(t => t["stability/".Length..]).Order());
        Assert.All(mapped, name => Assert.Equal([2L], events.Scalars($"stability/{name}").Select(s => s.Step)));
        Assert.Contains(events.Tags(), t => t.StartsWith("weights/conv1.weight", StringComparison.Ordinal));
        Assert.Contains("config/text_summary", events.Tags());
        var methods = Directory.GetDirectories(Path.Combine(run, "images"));
        Assert.Equal(ExplainerCatalog.Names.Count, methods.Length);
        foreach (var method in methods)
        {
            Assert.True(File.Exists(Path.Combine(method, "epoch_002.png")), method);
            Assert.True(File.Exists(Path.Combine(method, "evolution.png")), method);
        }

        var weights = Path.Combine(run, "model.safetensors");
        var output = Path.Combine(root, "explained");
        Cli.Succeed("explain", "--weights", weights, "--method", "ig", "--data", Data, "--indices", "0-3", "--target", "label",
            "--steps", "16", "--out", output, "--device", "cpu");
        Assert.True(File.Exists(Path.Combine(output, "ig.png")));
        using var scope = NewDisposeScope();
        var saved = TensorSafeTensors.Load(Path.Combine(output, "ig.safetensors"));
        Assert.Equal([4L, 1, 28, 28], saved["attributions"].shape);
        Assert.Equal([4L, 28, 28], saved["heatmaps"].shape);
        Assert.Equal([4L, 1, 28, 28], saved["inputs"].shape);
        Assert.Equal([9L, 2, 1, 1], saved["targets"].data<long>().ToArray());   // the first four Fashion-MNIST test labels
        Assert.Equal([4L], saved["scores"].shape);
        Assert.Equal([4L], saved["delta"].shape);
    }

    [Fact]
    public void TrainWithoutMetricsLogsNone()
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");
        Cli.Succeed("train", "--data", Data, "--epochs", "1", "--limit-train", "64", "--limit-val", "32", "--explain-count", "2", "--explainers", "vanilla,gradcam",
            "--no-metrics", "--logdir", logdir, "--run-name", "plain", "--device", "cpu");
        var tags = EventFileReader.ReadRun(Path.Combine(logdir, "plain")).ToList().Tags();
        Assert.Contains("explain/VanillaGradients", tags);
        Assert.Contains("explain/GradCam", tags);
        Assert.DoesNotContain(tags, t => t.StartsWith("faithfulness/", StringComparison.Ordinal) || t.StartsWith("stability/", StringComparison.Ordinal)
            || t.StartsWith("time/faithfulness_ms/", StringComparison.Ordinal));
    }

    [Fact]
    public void AMethodListedTwiceIsRefusedRatherThanLoggedTwice()
    {
        var (exitCode, _, error) = Cli.Run("train", "--explainers", "vanilla,gradcam,vanilla", "--epochs", "1");
        Assert.Equal(CommandLineErrors.UsageError, exitCode);
        Cli.AssertOneLineErrors(error);
        Assert.Contains("--explainers lists 'vanilla' twice", error);
    }

    [Theory]
    [InlineData("train", "--explainers", "vanilla,vanilla")]
    [InlineData("train", "--epochs", "0")]
    [InlineData("train", "--arch", "resnet")]
    [InlineData("train", "--explainers", "vanilla,bogus")]
    [InlineData("train", "--device", "cuda:7")]
    [InlineData("train", "--device", "mps")]
    [InlineData("explain", "--weights", "/nonexistent.safetensors", "--method", "vanilla", "--data", Data, "--indices", "0-1")]
    [InlineData("explain", "--weights", "/nonexistent.pt", "--method", "vanilla", "--data", Data, "--indices", "0-1")]
    [InlineData("explain", "--weights", "w.safetensors", "--method", "nope")]
    [InlineData("explain", "--weights", "w.safetensors", "--method", "vanilla", "--data", Data, "--indices", "5-2")]
    public void BadArgumentsGetOneLineAndExitCodeTwo(params string[] args)
    {
        var (exitCode, _, error) = Cli.Run(args);
        Assert.Equal(CommandLineErrors.UsageError, exitCode);
        Cli.AssertOneLineErrors(error);
    }

    [Theory]
    [InlineData("train", "--device", "cuda")]
    [InlineData("explain", "--weights", "w.safetensors", "--method", "vanilla", "--indices", "0-1", "--device", "cuda")]
    public void DeviceCudaWithoutCudaIsOneClearError(params string[] args)
    {
        if (cuda.is_available())
        {
            Assert.Skip("this machine has CUDA");
        }
        var (exitCode, _, error) = Cli.Run(args);
        Assert.Equal(CommandLineErrors.UsageError, exitCode);
        Cli.AssertOneLineErrors(error);
        Assert.Contains("--device cuda: this libtorch has no CUDA", error);
        // TorchSharp copies libtorch into a cuda-*/ folder next to itself when a CUDA load goes down its fallback path.
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(typeof(torch).Assembly.Location)!, "cuda-*"));
    }

    [Fact]
    public void ImagesOfTheWrongSizeNameTheModelsInputSize()
    {
        var weights = Path.Combine(root, "model.safetensors");
        var input = Path.Combine(root, "small.safetensors");
        using (var model = new SimpleConvNet())
        {
            ModelWeights.Save(model, weights);
        }
        using (var scope = NewDisposeScope())
        {
            TensorSafeTensors.Save(input, new Dictionary<string, Tensor> { ["images"] = rand([2, 1, 20, 20]) });   // fc expects 28x28
        }

        var (exitCode, _, error) = Cli.Run("explain", "--weights", weights, "--method", "vanilla", "--input", input, "--device", "cpu");

        Assert.Equal(CommandLineErrors.UsageError, exitCode);
        Cli.AssertOneLineErrors(error);
        // Checked before the model sees them: once, libtorch's "mat1 and mat2 shapes cannot be multiplied" came through.
        Assert.Contains($"--input {input}: 'images' must be float32 [N, 1, 28, 28] (the model's input), got Float32 [2, 1, 20, 20].", error);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
