using MnistTrainer.Tests.Support;
using TrainExplain.TensorBoard.Proto.HParams;
using TrainExplain.Testing;

namespace MnistTrainer.Tests;

/// <summary>
/// Issue 24, items 1 and 4: <c>train</c> writes its settings and metrics for TensorBoard's HParams tab, ends the session
/// with a status that says how the run ended, and prints a command that shows every image.
/// </summary>
public sealed class TrainHParamsTests : IDisposable
{
    private const string Data = FashionMnist.Directory;
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-hparams").FullName;

    [Fact]
    public void ARunListsItsSettingsAndMetricsThatItLogsAsScalarsAndSucceeds()
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");
        var printed = Cli.Succeed("train", "--data", Data, "--epochs", "1", "--limit-train", "256", "--limit-val", "64", "--explain-count", "2",
            "--explainers", "vanilla,gradcam,activations", "--batch-size", "32", "--lr", "0.002", "--seed", "3", "--logdir", logdir, "--run-name", "hp", "--device", "cpu");

        var run = Path.Combine(logdir, "hp");
        var hparams = LoggedHParams.Read(run);
        Assert.Equal(["learning_rate", "batch_size", "epochs", "arch", "optimizer", "seed", "explainers"], hparams.Experiment.HparamInfos.Select(h => h.Name));
        Assert.All(hparams.Experiment.HparamInfos, h => Assert.NotEmpty(h.Description));
        Assert.Equal((0.002, 32.0, 1.0, 3.0), (hparams.HParams["learning_rate"].NumberValue, hparams.HParams["batch_size"].NumberValue,
            hparams.HParams["epochs"].NumberValue, hparams.HParams["seed"].NumberValue));
        Assert.Equal(("simple", "Adam", "vanilla,gradcam,activations"), (hparams.HParams["arch"].StringValue, hparams.HParams["optimizer"].StringValue,
            hparams.HParams["explainers"].StringValue));

        // Every metric is a scalar of the run's own folder, so the tab finds its last value; layer activations have no saliency to measure.
        string[] metrics = ["loss/val", "accuracy/val", "faithfulness/VanillaGradients/deletion_auc", "faithfulness/VanillaGradients/insertion_auc",
            "faithfulness/GradCam/deletion_auc", "faithfulness/GradCam/insertion_auc"];
        Assert.Equal(metrics, hparams.Experiment.MetricInfos.Select(m => m.Name.Tag));
        Assert.All(hparams.Experiment.MetricInfos, m => Assert.Equal(("", DatasetType.DatasetValidation), (m.Name.Group, m.DatasetType)));
        var scalars = EventFileReader.ReadRun(run).ToList();
        Assert.All(metrics, tag => Assert.Equal(1L, Assert.Single(scalars.Scalars(tag)).Step));
        // The HParams tab's column titles are the scalars' own display names (issue 24), none where the tag reads well alone.
        Assert.Equal(metrics.Select(tag => scalars.ValuesOf(tag)[0].Value.DisplayName ?? ""), hparams.Experiment.MetricInfos.Select(m => m.DisplayName));
        Assert.Equal("Deletion AUC, GradCam", hparams.Experiment.MetricInfos[4].DisplayName);

        Assert.Equal(Status.Success, hparams.End!.Status);
        Assert.InRange(hparams.End.EndTimeSecs - hparams.Start.StartTimeSecs, 0, 600);
        Assert.Contains($"View it: tensorboard --logdir {logdir} --samples_per_plugin images=1000", printed);
    }

    [Fact]
    public void ADivergedRunFailsAndARunWithoutMetricsListsOnlyTheValidationOnes()
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");
        var (exitCode, _, _) = Cli.Run("train", "--data", Data, "--epochs", "3", "--limit-train", "256", "--limit-val", "32", "--lr", "1e20",
            "--explainers", "vanilla", "--explain-count", "2", "--no-metrics", "--logdir", logdir, "--run-name", "diverged", "--device", "cpu");

        Assert.Equal(TrainCommand.DivergedExitCode, exitCode);
        var hparams = LoggedHParams.Read(Path.Combine(logdir, "diverged"));
        Assert.Equal(Status.Failure, hparams.End!.Status);
        Assert.Equal(["loss/val", "accuracy/val"], hparams.Experiment.MetricInfos.Select(m => m.Name.Tag));
    }

    [Fact]
    public void ARunStoppedByASignalEndsWithTheStatusUnknownAndItsEndTime()
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");
        using var trainer = TrainerProcess.Start("train", "--data", Data, "--epochs", "1000", "--limit-train", "256", "--limit-val", "32",
            "--explainers", "none", "--logdir", logdir, "--run-name", "stopped", "--device", "cpu");

        trainer.WaitForLine(line => line.StartsWith("epoch 1/1000 ", StringComparison.Ordinal) && line.Contains("val_loss", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        trainer.Signal("TERM");

        Assert.Equal(143, trainer.WaitForExit(TimeSpan.FromSeconds(30)));
        var hparams = LoggedHParams.Read(Path.Combine(logdir, "stopped"));
        Assert.Equal(Status.Unknown, hparams.End!.Status);
        Assert.True(hparams.End.EndTimeSecs > hparams.Start.StartTimeSecs);
        Assert.Equal(1000.0, hparams.HParams["epochs"].NumberValue);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
