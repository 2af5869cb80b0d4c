using System.Diagnostics;
using MnistTrainer.Models;
using MnistTrainer.Tests.Support;
using TrainExplain.Data;
using TrainExplain.Numerics;
using TrainExplain.Testing;

namespace MnistTrainer.Tests;

/// <summary>
/// Issue 22, item 3: a run killed with SIGKILL (no handler runs) keeps every epoch whose line it printed: the epoch's
/// scalars are in the event file and the weights of its last saved epoch load; its lock is recognised as stale.
/// </summary>
public sealed class TrainKillTests : IDisposable
{
    private const int Kills = 20;
    private const int AtOnce = 5;
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-kill").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task SigkillAtRandomPointsAfterTheFirstEpochLineLosesNoPrintedEpoch()
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");
        var random = new Random(22);
        // The guard's check would cost each child seconds; these runs test files, not gradients.
        var environment = new Dictionary<string, string> { [NumericsGuard.EnvironmentVariable] = "off" };
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < Kills / AtOnce; round++)
        {
            var kills = Enumerable.Range(0, AtOnce).Select(i => (Name: $"killed-{round}-{i}", Delay: random.Next(0, 2000))).ToList();
            var trainers = kills.Select(k => TrainerProcess.Start(environment, "train", "--data", FashionMnist.Directory, "--epochs", "1000",
                "--limit-train", "64", "--limit-val", "16", "--explainers", "vanilla", "--explain-count", "2", "--logdir", logdir,
                "--run-name", k.Name, "--device", "cpu")).ToList();
            try
            {
                await Task.WhenAll(kills.Select((k, i) => Task.Run(() => KillAndCheck(trainers[i], Path.Combine(logdir, k.Name), k.Delay), TestContext.Current.CancellationToken)));
            }
            finally
            {
                trainers.ForEach(t => t.Dispose());
            }
        }
        TestContext.Current.SendDiagnosticMessage($"{Kills} SIGKILLed runs in {clock.Elapsed.TotalSeconds:F0} s");

        var error = Assert.Throws<ArgumentException>(() => RunOutputs.Claim(logdir, "killed-0-0", null)).Message;
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(error, @"^--run-name killed-0-0: the folder \S+ holds a run that did not finish \(the lock \S+\.train\.lock is stale: process \d+, which left it, was stopped before it could remove it \(killed, say\)\); choose another --run-name"), error);
    }

    private static void KillAndCheck(TrainerProcess trainer, string run, int delayMilliseconds)
    {
        trainer.WaitForLine(IsEpochLine, TimeSpan.FromSeconds(120));
        Thread.Sleep(delayMilliseconds);
        var printed = trainer.Lines.Count(IsEpochLine);
        trainer.Signal("KILL");
        Assert.Equal(128 + 9, trainer.WaitForExit(TimeSpan.FromSeconds(30)));

        var logged = EventFileReader.ReadRun(run).Scalars("loss/train").Select(s => s.Step).ToList();
        Assert.True(logged.Count >= printed, $"{run}: {printed} epoch lines printed but {logged.Count} epochs in the event file");
        Assert.Equal(Enumerable.Range(1, logged.Count).Select(e => (long)e), logged);
        using var model = new SimpleConvNet();
        ModelWeights.Load(model, Path.Combine(run, "model.safetensors"));
        Assert.Equal(trainer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(run, ".train.lock")));
    }

    private static bool IsEpochLine(string line) => line.StartsWith("epoch ", StringComparison.Ordinal) && line.Contains("val_loss", StringComparison.Ordinal);
}
