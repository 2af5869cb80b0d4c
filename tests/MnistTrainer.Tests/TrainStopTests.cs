using MnistTrainer.Models;
using MnistTrainer.Tests.Support;
using TrainExplain.Data;
using TrainExplain.Numerics;
using TrainExplain.Testing;

namespace MnistTrainer.Tests;

/// <summary>
/// Issue 13, items 1 and 3: a run stopped by a signal or by a diverging loss keeps what it wrote: the finished epochs'
/// records, a closed event file and loadable weights, with an exit code that says why it stopped.
/// </summary>
public sealed class TrainStopTests : IDisposable
{
    private const string Data = FashionMnist.Directory;
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-stop").FullName;

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public void ASignalAfterTheFirstEpochKeepsItsRecordsAndTheWeights(string signal, int exitCode)
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");
        using var trainer = TrainerProcess.Start("train", "--data", Data, "--epochs", "1000", "--limit-train", "256", "--limit-val", "32",
            "--explainers", "vanilla", "--explain-count", "2", "--logdir", logdir, "--run-name", "stopped", "--device", "cpu");

        // Epoch 2's line comes after epoch 1's explanations (a signal during them cuts them short, as the test below shows).
        trainer.WaitForLine(line => line.StartsWith("epoch 2/1000 ", StringComparison.Ordinal) && line.Contains("val_loss", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        trainer.Signal(signal);

        Assert.Equal(exitCode, trainer.WaitForExit(TimeSpan.FromSeconds(30)));
        var run = Path.Combine(logdir, "stopped");
        Assert.Contains($"Stopped by SIG{signal} after ", trainer.Error);
        var events = EventFileReader.ReadRun(run).ToList();
        var epochs = events.Scalars("loss/train").Select(s => s.Step).ToList();
        Assert.Equal(1L, epochs[0]);
        Assert.Equal(Enumerable.Range(1, epochs.Count).Select(e => (long)e), epochs);
        Assert.Contains(events.Tags(), t => t == "explain/VanillaGradients");
        using var model = new SimpleConvNet();
        ModelWeights.Load(model, Path.Combine(run, "model.safetensors"));
        Assert.False(File.Exists(Path.Combine(run, ".train.lock")), "the run folder is released");
    }

    /// <summary>
    /// Issue 22, item 4: a million curve steps per image take minutes of callback work after the epoch line; SIGTERM
    /// there ends the run within 2 s (the curves' next chunk, then the writes and the weights), with readable outputs.
    /// </summary>
    [Fact]
    public void ASignalDuringLongCallbackWorkStopsTheRunWithinTwoSeconds()
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");
        var environment = new Dictionary<string, string> { [NumericsGuard.EnvironmentVariable] = "off" };
        using var trainer = TrainerProcess.Start(environment, "train", "--data", Data, "--epochs", "3", "--limit-train", "64", "--limit-val", "16",
            "--explainers", "vanilla", "--explain-count", "2", "--metric-steps", "1000000", "--logdir", logdir, "--run-name", "long", "--device", "cpu");

        trainer.WaitForLine(line => line.StartsWith("epoch 1/3 ", StringComparison.Ordinal) && line.Contains("val_loss", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        // The gradients of two images take milliseconds: half a second later the run is inside the curves.
        Thread.Sleep(500);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        trainer.Signal("TERM");
        var exitCode = trainer.WaitForExit(TimeSpan.FromSeconds(60));
        var stopped = clock.Elapsed;

        Assert.Equal(143, exitCode);
        Assert.True(stopped < TimeSpan.FromSeconds(2), $"the run ended {stopped.TotalSeconds:F1} s after SIGTERM");
        Assert.Contains("Stopped by SIGTERM after 1 of 3 epochs", trainer.Error);
        var run = Path.Combine(logdir, "long");
        Assert.Equal([1L], EventFileReader.ReadRun(run).Scalars("loss/train").Select(s => s.Step));
        using var model = new SimpleConvNet();
        ModelWeights.Load(model, Path.Combine(run, "model.safetensors"));
        Assert.False(File.Exists(Path.Combine(run, ".train.lock")), "the run folder is released");
    }

    [Fact]
    public void ASecondCtrlCQuitsAtOnce()
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");
        using var trainer = TrainerProcess.Start("train", "--data", Data, "--epochs", "1", "--explainers", "none", "--logdir", logdir,
            "--run-name", "quit", "--device", "cpu");

        // Both signals arrive while the full training set (60,000 images) is still loading, long before any weights are saved.
        trainer.WaitForLine(line => line.StartsWith("data ", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        trainer.Signal("INT");
        trainer.Signal("INT");

        Assert.Equal(130, trainer.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.Contains("SIGINT again: quitting now, without saving.", trainer.Error);
        Assert.False(File.Exists(Path.Combine(logdir, "quit", "model.safetensors")));
    }

    [Fact]
    public void ADivergingRunStopsAtTheFirstNaNLossWithExitCodeThree()
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");

        var (exitCode, _, error) = Cli.Run("train", "--data", Data, "--epochs", "3", "--limit-train", "256", "--limit-val", "32", "--lr", "1e20",
            "--explainers", "vanilla,gradcam", "--explain-count", "2", "--logdir", logdir, "--run-name", "diverged", "--device", "cpu");

        Assert.Equal(TrainCommand.DivergedExitCode, exitCode);
        Assert.Matches(@"The training loss became (NaN|-?Infinity) at epoch 1, batch \d+/4 \(step \d+\)", error);
        Assert.Contains("diverged model", error);
        var run = Path.Combine(logdir, "diverged");
        var losses = EventFileReader.ReadRun(run).Scalars("loss/train");
        Assert.Equal(1L, Assert.Single(losses).Step);
        Assert.False(float.IsFinite(losses[0].Value));
        using var model = new SimpleConvNet();
        ModelWeights.Load(model, Path.Combine(run, "model.safetensors"));
    }

    [Fact]
    public void EveryExplainerDrawsThroughADivergenceAndTheRunExitsThreeWithItsWeights()
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");

        var (exitCode, _, error) = Cli.Run("train", "--data", Data, "--epochs", "2", "--limit-train", "64", "--limit-val", "16", "--lr", "1e20",
            "--explainers", "all", "--explain-count", "1", "--metric-steps", "2", "--logdir", logdir, "--run-name", "all", "--device", "cpu");

        Assert.True(exitCode == TrainCommand.DivergedExitCode, error);
        Assert.DoesNotContain("error:", error);
        Assert.Contains("ActivationMaximization has 7840 NaN or infinite pixel values of 7840; its pictures show NaN as black.", error);
        var events = EventFileReader.ReadRun(Path.Combine(logdir, "all"));
        var tags = events.Tags().ToHashSet();
        using var model = new SimpleConvNet();
        Assert.All(ExplainerCatalog.Names.Select(name => ExplainerCatalog.ExplainsInputs(name)
            ? ExplainerCatalog.CreateExplainer(name, model, new ExplainerSettings()).Name
            : "ActivationMaximization"), method => Assert.Contains($"explain/{method}", tags));
        ModelWeights.Load(model, Path.Combine(logdir, "all", "model.safetensors"));
    }

    [Fact]
    public void TrainingOnThroughNaNStillSavesTheWeightsAndExitsThree()
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");

        var (exitCode, _, error) = Cli.Run("train", "--data", Data, "--epochs", "2", "--limit-train", "64", "--limit-val", "16", "--lr", "1e20",
            "--no-terminate-on-nan", "--explainers", "vanilla,actmax", "--explain-count", "1", "--metric-steps", "2", "--logdir", logdir, "--run-name", "on", "--device", "cpu");

        Assert.True(exitCode == TrainCommand.DivergedExitCode, error);
        Assert.Contains("diverged model", error);
        Assert.Equal([1L, 2L], EventFileReader.ReadRun(Path.Combine(logdir, "on")).Scalars("loss/train").Select(s => s.Step));
        using var model = new SimpleConvNet();
        ModelWeights.Load(model, Path.Combine(logdir, "on", "model.safetensors"));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
