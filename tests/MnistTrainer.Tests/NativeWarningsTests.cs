using System.Text.RegularExpressions;
using MnistTrainer.Tests.Support;

namespace MnistTrainer.Tests;

/// <summary>
/// A normal run prints nothing that libtorch prints for its own reasons (it wrote "Could not initialize NNPACK!" once per
/// convolution on CPUs where NNPACK does not initialize): only the example's lines and the library's own warnings,
/// which start with "TrainExplain:". libtorch writes to the process's standard error itself, so this runs a child.
/// </summary>
public sealed partial class NativeWarningsTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-warnings").FullName;

    [Fact]
    public void AOneEpochTrainPrintsNoLibTorchWarning()
    {
        FashionMnist.Require();
        using var trainer = TrainerProcess.Start("train", "--data", FashionMnist.Directory, "--epochs", "1", "--limit-train", "512", "--limit-val", "64",
            "--explain-count", "4", "--logdir", root, "--run-name", "quiet", "--device", "cpu");
        Assert.Equal(0, trainer.WaitForExit(TimeSpan.FromSeconds(240)));
        var native = trainer.Error.Split('\n').Where(line => LibTorchLine().IsMatch(line)).ToList();
        Assert.True(native.Count == 0, $"{native.Count} libtorch lines, the first: {native.FirstOrDefault()}");
    }

    /// <summary>c10's log lines ("[W1203 22:17:52.936178552 NNPACK.cpp:56] ...") and TORCH_WARN's ("Warning: ... (function ...)").</summary>
    [GeneratedRegex(@"^\[[WEI]\d{4} |NNPACK|^Warning: ")]
    private static partial Regex LibTorchLine();

    public void Dispose() => Directory.Delete(root, recursive: true);
}
