using System.Diagnostics;
using MnistTrainer.Models;
using MnistTrainer.Tests.Support;
using TrainExplain;
using TrainExplain.Data;
using TrainExplain.Data.SafeTensors;
using TrainExplain.Numerics;
using TrainExplain.Testing;

namespace MnistTrainer.Tests;

/// <summary>
/// Issue 22, items 1 and 5: outputs are written as regular files only (a device node, FIFO or socket in the way is
/// refused and kept, a symbolic link's target is replaced), and a special file given as an input is refused at once,
/// named by its flag. The special files are made in a temporary folder of the test's own, never the machine's /dev.
/// </summary>
public sealed class SpecialFilesTests : IDisposable
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-special").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Theory]
    [InlineData("fifo", 'p', "a FIFO (named pipe)")]
    [InlineData("device", 'c', "a character device")]
    [InlineData("socket", 's', "a socket")]
    public void SaveOntoASpecialFileIsRefusedBeforeAnyWorkAndTheFileKept(string kind, char type, string described)
    {
        FashionMnist.Require();
        var path = Special(kind);
        var link = Path.Combine(root, "link");
        File.CreateSymbolicLink(link, path);
        var logdir = Path.Combine(root, "runs");

        foreach (var save in new[] { path, link })
        {
            var (exitCode, error) = Timed(() => Cli.Run("train", "--data", FashionMnist.Directory, "--logdir", logdir, "--save", save));
            Assert.Equal(CommandLineErrors.UsageError, exitCode);
            Cli.AssertOneLineErrors(error);
            var through = save == link ? $" (a link to {path})" : "";
            Assert.Equal($"error: --save '{save}'{through} is {described}, not a regular file; give the path of a file to write.", error.TrimEnd());
        }
        Assert.Equal(type, SpecialFiles.TypeOf(path));
        Assert.False(Directory.Exists(logdir), "nothing was written");
    }

    [Fact]
    public void SaveThroughASymbolicLinkReplacesItsTargetAndKeepsTheLink()
    {
        FashionMnist.Require();
        var target = Path.Combine(root, "weights", "model.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, "old");
        var link = Path.Combine(root, "latest.safetensors");
        File.CreateSymbolicLink(link, target);

        Cli.Succeed("train", "--data", FashionMnist.Directory, "--epochs", "1", "--limit-train", "64", "--limit-val", "16", "--explainers", "none",
            "--logdir", Path.Combine(root, "runs"), "--run-name", "linked", "--save", link, "--device", "cpu");

        Assert.Equal(target, new FileInfo(link).LinkTarget);
        using var model = new SimpleConvNet();
        ModelWeights.Load(model, target);
        Assert.Equal(File.ReadAllBytes(Path.Combine(root, "runs", "linked", "model.safetensors")), File.ReadAllBytes(target));
    }

    [Theory]
    [InlineData("fifo", 'p')]
    [InlineData("device", 'c')]
    public void ExplainRefusesAnOutputFileThatIsSpecialBeforeAnyWork(string kind, char type)
    {
        var output = Directory.CreateDirectory(Path.Combine(root, "out")).FullName;
        var png = Path.Combine(output, "vanilla.png");
        File.Move(Special(kind), png);

        var (exitCode, error) = Timed(() => Cli.Run("explain", "--weights", Weights(), "--method", "vanilla", "--input", Inputs(), "--out", output, "--device", "cpu"));

        Assert.Equal(CommandLineErrors.UsageError, exitCode);
        Assert.StartsWith($"error: --out: '{png}' is a ", error);
        Assert.Equal(type, SpecialFiles.TypeOf(png));
        Assert.Equal(["vanilla.png"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("--weights", "fifo")]
    [InlineData("--weights", "device")]
    [InlineData("--input", "fifo")]
    [InlineData("--input", "socket")]
    [InlineData("--images", "fifo")]
    [InlineData("--images", "device")]
    public void ASpecialFileAsAnInputIsRefusedAtOnceByItsFlag(string flag, string kind)
    {
        var path = Special(kind);
        var weights = flag == "--weights" ? path : Weights();
        string[] input = flag == "--weights" ? ["--input", Inputs()] : [flag, path];

        var (exitCode, error) = Timed(() => Cli.Run(["explain", "--weights", weights, "--method", "vanilla", .. input, "--out", Path.Combine(root, "o")]));

        Assert.Equal(CommandLineErrors.UsageError, exitCode);
        Assert.Equal($"error: {flag} {path} is {FileKinds.Of(path).Describe()}; expected a regular file.", error.TrimEnd());
    }

    [Fact]
    public void ADataFolderHoldingAFifoOrNamingAFileIsRefusedByDataFlag()
    {
        FashionMnist.Require();
        var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        foreach (var file in Directory.GetFiles(FashionMnist.Directory))
        {
            File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        }
        // The plain name is preferred to the .gz one.
        var fifo = SpecialFiles.Fifo(Path.Combine(data, IdxDatasetFiles.TrainImagesName));

        var (exitCode, error) = Timed(() => Cli.Run("train", "--data", data, "--epochs", "1", "--explainers", "none", "--logdir", Path.Combine(root, "runs"), "--device", "cpu"));
        Assert.Equal(CommandLineErrors.UsageError, exitCode);
        Assert.Equal($"error: --data {data}: '{fifo}' is a FIFO (named pipe), not an IDX file.", error.TrimEnd());

        (exitCode, error) = Timed(() => Cli.Run("train", "--data", fifo, "--logdir", Path.Combine(root, "runs2")));
        Assert.Equal(CommandLineErrors.UsageError, exitCode);
        Assert.Equal($"error: --data: '{fifo}' is a FIFO (named pipe), not a folder of IDX files.", error.TrimEnd());
        Assert.False(Directory.Exists(Path.Combine(root, "runs2")));
    }

    /// <summary>Runs a command that must end within <see cref="Prompt"/>; returns its exit code and stderr.</summary>
    private static (int ExitCode, string Error) Timed(Func<(int ExitCode, string Output, string Error)> run)
    {
        // The numerics guard's one check per process (seconds on a busy machine) is not the refusal's time.
        NumericsGuard.EnsureChecked();
        var clock = Stopwatch.StartNew();
        var (exitCode, _, error) = run();
        Assert.True(clock.Elapsed < Prompt, $"took {clock.Elapsed.TotalSeconds:F1} s: {error}");
        return (exitCode, error);
    }

    private string Special(string kind) => SpecialFiles.Make(kind, Path.Combine(root, kind));

    private string Weights()
    {
        var path = Path.Combine(root, "model.safetensors");
        using var model = new SimpleConvNet();
        ModelWeights.Save(model, path);
        return path;
    }

    private string Inputs()
    {
        var path = Path.Combine(root, "inputs.safetensors");
        using var scope = NewDisposeScope();
        TensorSafeTensors.Save(path, new Dictionary<string, Tensor> { ["images"] = rand([1, 1, 28, 28]) });
        return path;
    }
}
