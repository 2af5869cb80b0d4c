using MnistTrainer.Models;
using MnistTrainer.Tests.Support;
using TrainExplain.Data;

namespace MnistTrainer.Tests;

/// <summary>
/// Issue 13, items 4, 6 and 7: train's output paths and flags are checked before any work (nothing is written, and the
/// run would otherwise load the data and train), runs never share a folder, and errors name the flag.
/// </summary>
public sealed class TrainOutputTests : IDisposable
{
    private const string Data = FashionMnist.Directory;
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-outputs").FullName;

    [Theory]
    [InlineData("--save", "", "--save must name a weights file")]
    [InlineData("--logdir", "", "--logdir must name a folder")]
    [InlineData("--run-name", "", "--run-name must be one folder name")]
    [InlineData("--run-name", "..", "--run-name must be one folder name")]
    [InlineData("--run-name", "../escaped", "--run-name must be one folder name")]
    [InlineData("--run-name", "/tmp/absolute", "--run-name must be one folder name")]
    [InlineData("--run-name", "a/b", "--run-name must be one folder name")]
    [InlineData("--lr", "1e39", "--lr must be a positive number no larger than 3.4E+37, got 1E+39")]
    [InlineData("--lr", "3.5e37", "--lr must be a positive number no larger than 3.4E+37, got 3.5E+37")]
    [InlineData("--lr", "abc", "--lr must be a number, got 'abc'.")]
    [InlineData("--epochs", "NaN", "--epochs must be a whole number, got 'NaN'.")]
    [InlineData("--explainers", "", "--explainers is empty: give a comma list of methods, all, or none.")]
    [InlineData("--lr", "NaN", "--lr must be a positive number")]
    [InlineData("--limit-train", "0", "--limit-train must be positive, got 0")]
    [InlineData("--limit-val", "-3", "--limit-val must be positive, got -3")]
    [InlineData("--batch-size", "0", "--batch-size must be positive, got 0")]
    [InlineData("--explain-count", "0", "--explain-count must be positive, got 0")]
    [InlineData("--explain-budget", "0", "--explain-budget must be a percent above 0 and at most 100, got 0.")]
    [InlineData("--explain-budget", "100.5", "--explain-budget must be a percent above 0 and at most 100, got 100.5.")]
    [InlineData("--explain-budget", "NaN", "--explain-budget must be a percent above 0 and at most 100, got NaN.")]
    [InlineData("--explain-budget", "5%", "--explain-budget must be a number, got '5%'.")]
    public void BadOutputsAndFlagsAreRefusedBeforeAnyWork(string flag, string value, string expected)
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");
        string[] args = flag == "--logdir" ? ["train", "--data", Data, flag, value] : ["train", "--data", Data, "--logdir", logdir, flag, value];

        var (exitCode, _, error) = Cli.Run(args);

        Assert.Equal(CommandLineErrors.UsageError, exitCode);
        Cli.AssertOneLineErrors(error);
        Assert.Contains(expected, error);
        Assert.False(Directory.Exists(Path.Combine(root, "escaped")));
        Assert.False(Directory.Exists(logdir), "nothing was written");
    }

    [Fact]
    public void SaveNamingAFolderOrBelowAFileIsRefusedNamingSave()
    {
        FashionMnist.Require();
        var file = Path.Combine(root, "plain.txt");
        File.WriteAllText(file, "not a folder");

        var (folderCode, _, folderError) = Cli.Run("train", "--data", Data, "--logdir", Path.Combine(root, "runs"), "--save", root);
        var (fileCode, _, fileError) = Cli.Run("train", "--data", Data, "--logdir", Path.Combine(root, "runs"), "--save", Path.Combine(file, "sub", "m.safetensors"));

        Assert.Equal((CommandLineErrors.UsageError, CommandLineErrors.UsageError), (folderCode, fileCode));
        Assert.Contains($"--save {root} is a folder; give a file path such as {Path.Combine(root, "model.safetensors")}", folderError);
        Assert.Contains("--save: cannot create the folder", fileError);
        Assert.DoesNotContain(".probe", fileError);
    }

    [Fact]
    public void ARunFolderThatCannotBeMadeIsBlamedOnRunName()
    {
        FashionMnist.Require();
        var logdir = Directory.CreateDirectory(Path.Combine(root, "runs")).FullName;
        File.WriteAllText(Path.Combine(logdir, "afile"), "not a folder");
        var (fileCode, _, fileError) = Cli.Run("train", "--data", Data, "--logdir", logdir, "--run-name", "afile");
        var (longCode, _, longError) = Cli.Run("train", "--data", Data, "--logdir", logdir, "--run-name", new string('r', 300));

        Assert.Equal((2, 2), (fileCode, longCode));
        Assert.StartsWith($"error: --run-name: cannot create the folder {Path.Combine(logdir, "afile")} (", fileError);
        Assert.StartsWith("error: --run-name: cannot create the folder", longError);
        Assert.DoesNotContain("--logdir", fileError + longError);
        Cli.AssertOneLineErrors(fileError);
        Assert.Equal(["afile"], Directory.EnumerateFileSystemEntries(logdir).Select(Path.GetFileName));
    }

    [Fact]
    public void AReusedRunNameIsRefusedAndTheFirstRunIsKept()
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");
        var save = Path.Combine(root, "new", "sub", "m.safetensors");
        string[] args = ["train", "--data", Data, "--epochs", "1", "--limit-train", "64", "--limit-val", "16", "--explainers", "none",
            "--logdir", logdir, "--run-name", "once", "--device", "cpu", "--save", save];
        Cli.Succeed(args);
        var run = Path.Combine(logdir, "once");
        var written = Directory.GetFiles(run).Order().ToList();

        var (exitCode, _, error) = Cli.Run(args);

        Assert.Equal(CommandLineErrors.UsageError, exitCode);
        Assert.Contains($"--run-name once: the folder {run} already holds a run; choose another --run-name, or remove the folder to start over.", error);
        Assert.Equal(written, Directory.GetFiles(run).Order());
        Assert.Equal([Path.Combine(run, "model.safetensors")], written.Where(f => f.EndsWith(".safetensors", StringComparison.Ordinal)));
        using var model = new SimpleConvNet();
        ModelWeights.Load(model, save);   // missing parent folders of --save were created
    }

    [Fact]
    public void ARunNameInUseIsRefusedAndDefaultNamesGetASuffix()
    {
        FashionMnist.Require();
        var logdir = Path.Combine(root, "runs");
        using (var first = RunOutputs.Claim(logdir, "busy", null))
        {
            var (exitCode, _, error) = Cli.Run("train", "--data", Data, "--logdir", logdir, "--run-name", "busy");
            Assert.Equal(CommandLineErrors.UsageError, exitCode);
            Assert.Contains("--run-name busy: the folder", error);
            Assert.Contains("is in use by another run", error);
        }
        Assert.False(Directory.Exists(Path.Combine(logdir, "busy")), "an unused run folder is removed when released");

        // A run quit at once (a second Ctrl-C, a kill) leaves its lock behind, no longer held: an otherwise empty folder is taken over.
        Directory.CreateDirectory(Path.Combine(logdir, "quit"));
        File.WriteAllText(Path.Combine(logdir, "quit", ".train.lock"), "");
        using (var resumed = RunOutputs.Claim(logdir, "quit", null))
        {
            Assert.Equal(Path.Combine(logdir, "quit"), resumed.RunDirectory);
        }

        using var one = RunOutputs.Claim(logdir, null, null);
        using var two = RunOutputs.Claim(logdir, null, null);
        Assert.NotEqual(one.RunDirectory, two.RunDirectory);
        Assert.StartsWith(Path.GetFileName(one.RunDirectory), Path.GetFileName(two.RunDirectory), StringComparison.Ordinal);
    }

    [Fact]
    public void AFailedSaveSaysWhereTheWeightsAreWithoutNamingTheTemporaryFile()
    {
        var folder = Path.Combine(root, "gone");
        using var outputs = RunOutputs.Claim(Path.Combine(root, "runs"), "kept", Path.Combine(folder, "m.safetensors"));
        Directory.Delete(folder);   // as a disk unmounted during the run would
        using var model = new SimpleConvNet();

        var error = outputs.SaveWeights(model);

        Assert.NotNull(error);
        Assert.StartsWith($"--save {Path.Combine(folder, "m.safetensors")}: the weights could not be written there (", error);
        Assert.EndsWith($"they are saved in {outputs.ModelPath}.", error);
        Assert.DoesNotContain(".tmp", error);
        using var loaded = new SimpleConvNet();
        ModelWeights.Load(loaded, outputs.ModelPath);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
