using System.Globalization;
using MnistTrainer.Models;
using MnistTrainer.Tests.Support;
using TrainExplain.Data;
using TrainExplain.Data.SafeTensors;
using TrainExplain.Metrics;

namespace MnistTrainer.Tests;

/// <summary>
/// The explain command's class visualization without inputs (issue 12, item 5) and its faithfulness figures (issue 15,
/// item 3), on a model with random weights and random images, so no data set is needed.
/// </summary>
public sealed class ExplainCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-explain").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Weights()
    {
        var path = Path.Combine(root, "model.safetensors");
        manual_seed(83);
        using var model = new SimpleConvNet();
        ModelWeights.Save(model, path);
        return path;
    }

    private string Inputs(int count)
    {
        var path = Path.Combine(root, "inputs.safetensors");
        using var scope = NewDisposeScope();
        manual_seed(84);
        TensorSafeTensors.Save(path, new Dictionary<string, Tensor> { ["images"] = rand([count, 1, 28, 28]), ["labels"] = randint(0L, 10L, [(long)count]) });
        return path;
    }

    [Fact]
    public void ActivationMaximizationNeedsNoInputsAndSaysItIgnoresThem()
    {
        var weights = Weights();
        var output = Path.Combine(root, "actmax");
        var (code, printed, error) = Cli.Run("explain", "--weights", weights, "--method", "actmax", "--steps", "2", "--out", output, "--device", "cpu");
        Assert.True(code == 0, error);
        Assert.Equal("", error);
        Assert.Contains("ActivationMaximization: 10 classes, targets [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]", printed);
        Assert.True(File.Exists(Path.Combine(output, "actmax.png")));
        using (var scope = NewDisposeScope())
        {
            var saved = TensorSafeTensors.Load(Path.Combine(output, "actmax.safetensors"));
            Assert.Equal([10L, 1, 28, 28], saved["attributions"].shape);
            Assert.Equal(Enumerable.Range(0, 10).Select(c => (long)c), saved["targets"].data<long>().ToArray());
        }

        (code, _, error) = Cli.Run("explain", "--weights", weights, "--method", "actmax", "--steps", "2", "--input", Inputs(2), "--metrics", "--out", output, "--device", "cpu");
        Assert.True(code == 0, error);
        Assert.Contains("note: actmax synthesizes one image per class and reads no inputs; the input flags are ignored.", error);
        Assert.Contains("note: --metrics does not apply to actmax", error);
    }

    [Fact]
    public void MetricsAddDeletionAndInsertionAucToTheTensorsAndPrintTheirMeans()
    {
        var weights = Weights();
        var inputs = Inputs(3);
        var output = Path.Combine(root, "explained");
        var printed = Cli.Succeed("explain", "--weights", weights, "--method", "gradcam", "--input", inputs, "--target", "label", "--metrics", "--metric-steps", "4",
            "--out", output, "--device", "cpu");

        using var scope = NewDisposeScope();
        var saved = TensorSafeTensors.Load(Path.Combine(output, "gradcam.safetensors"));
        var (deletion, insertion) = (saved["deletion_auc"], saved["insertion_auc"]);
        Assert.Equal(ScalarType.Float32, deletion.dtype);
        Assert.Equal(ScalarType.Float32, insertion.dtype);
        Assert.Equal([3L], deletion.shape);
        Assert.Equal([3L], insertion.shape);

        // The figures are the library's, on the saved saliency of the saved inputs, for the saved targets, with S = 4.
        using var model = new SimpleConvNet();
        ModelWeights.Load(model, weights);
        var direct = new DeletionInsertion(model, steps: 4).Measure(saved["inputs"], saved["saliency"], saved["targets"]);
        Assert.Equal(direct.Deletion, deletion.data<float>().ToArray());
        Assert.Equal(direct.Insertion, insertion.data<float>().ToArray());
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"deletion AUC {deletion.mean().item<float>():F4} (lower is more faithful), insertion AUC {insertion.mean().item<float>():F4} (higher is), 4 steps"), printed);

        var (code, _, error) = Cli.Run("explain", "--weights", weights, "--method", "activations", "--input", inputs, "--metrics", "--out", output, "--device", "cpu");
        Assert.Equal(0, code);
        Assert.Contains("note: --metrics does not apply to activations", error);
        Assert.False(TensorSafeTensors.Load(Path.Combine(output, "activations.safetensors")).ContainsKey("deletion_auc"));

        var withoutMetrics = Cli.Succeed("explain", "--weights", weights, "--method", "vanilla", "--input", inputs, "--out", output, "--device", "cpu");
        Assert.DoesNotContain("deletion AUC", withoutMetrics);
        Assert.False(TensorSafeTensors.Load(Path.Combine(output, "vanilla.safetensors")).ContainsKey("deletion_auc"));
    }

    [Fact]
    public void ANonPositiveMetricStepCountIsOneClearError()
    {
        var (code, _, error) = Cli.Run("explain", "--weights", Weights(), "--method", "vanilla", "--input", Inputs(1), "--metrics", "--metric-steps", "0",
            "--out", Path.Combine(root, "x"), "--device", "cpu");
        Assert.Equal(CommandLineErrors.UsageError, code);
        Cli.AssertOneLineErrors(error);
        Assert.Contains("--metric-steps must be positive, got 0", error);
    }
}
