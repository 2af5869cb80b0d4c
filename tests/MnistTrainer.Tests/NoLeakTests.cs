using MnistTrainer.Models;
using MnistTrainer.Tests.Support;

namespace MnistTrainer.Tests;

/// <summary>
/// The commands free every tensor they make: TorchSharp's process-wide live count is back at its baseline after each, but
/// for one per parameter of the model each command builds. TorchSharp's <c>Parameter</c> constructor takes the handle of
/// the tensor it wraps without decrementing <c>Tensor.TotalCount</c> (<c>MoveHandle</c>), so every parameter ever
/// created stays counted once after its module is disposed: a counting artifact, not a leak.
/// </summary>
public sealed class NoLeakTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-leaks").FullName;

    [Fact]
    public void TrainAndExplainLeaveNoLiveTensors()
    {
        FashionMnist.Require();
        // Each run gets its own folder: train refuses a run name that already holds a run.
        string[] Train(string runName) => ["train", "--data", FashionMnist.Directory, "--epochs", "1", "--limit-train", "64", "--limit-val", "32",
            "--explain-count", "2", "--explainers", "vanilla,gradcam", "--logdir", root, "--run-name", runName, "--device", "cpu"];
        string[] explain = ["explain", "--weights", Path.Combine(root, "leaks", "model.safetensors"), "--method", "ig", "--steps", "4",
            "--data", FashionMnist.Directory, "--indices", "0-1", "--out", Path.Combine(root, "explained"), "--device", "cpu"];
        Cli.Succeed(Train("leaks"));   // first calls: TorchSharp's and libtorch's one-time state
        Cli.Succeed(explain);

        long parameters;
        using (var model = new SimpleConvNet())
        {
            parameters = model.parameters().Count();
        }

        var baseline = LiveTensors();
        Cli.Succeed(Train("leaks-again"));
        Assert.Equal(baseline + parameters, LiveTensors());
        Cli.Succeed(explain);
        Assert.Equal(baseline + (2 * parameters), LiveTensors());
    }

    /// <summary>Live tensors once the finalizer has run, so that the count reflects what the commands still hold.</summary>
    private static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Tensor.TotalCount;
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
