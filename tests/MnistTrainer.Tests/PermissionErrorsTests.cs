using System.Diagnostics;
using MnistTrainer.Models;
using MnistTrainer.Tests.Support;
using TrainExplain.Data;

namespace MnistTrainer.Tests;

/// <summary>
/// Issue 22, item 6: a folder or file the user may not write or read is named with its flag, in plain words. Run as root,
/// permissions stop nothing, so the command then runs as root without capabilities (setpriv), to which a file's owner
/// bits apply as to any user. (Not as another user: it could not reach the test's binary in a clone under a private
/// folder, such as a mktemp -d one.)
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PermissionErrorsTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-permissions").FullName;
    private readonly string locked;

    public PermissionErrorsTests()
    {
        // Its owner may not create anything in the locked folder.
        locked = Directory.CreateDirectory(Path.Combine(root, "locked")).FullName;
        File.SetUnixFileMode(locked, Mode("555"));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void AnUnwritableLogdirIsNamed()
    {
        FashionMnist.Require();
        var error = Fails("train", "--data", FashionMnist.Directory, "--logdir", locked, "--run-name", "run", "--device", "cpu");

        Assert.Equal($"error: --logdir: cannot create the folder {Path.Combine(locked, "run")}: permission denied (this user may not create folders in {locked}).", error);
    }

    [Fact]
    public void SaveIntoAReadOnlyFolderIsNamed()
    {
        FashionMnist.Require();
        var save = Path.Combine(locked, "model.safetensors");
        var error = Fails("train", "--data", FashionMnist.Directory, "--logdir", Path.Combine(root, "runs"), "--save", save, "--device", "cpu");

        Assert.Equal($"error: --save {save}: cannot write files in {locked} (permission denied).", error);
    }

    [Fact]
    public void AnUnreadableImageIsNamed()
    {
        var weights = Path.Combine(root, "model.safetensors");
        using (var model = new SimpleConvNet())
        {
            ModelWeights.Save(model, weights);
        }
        var image = Path.Combine(root, "digit.png");
        File.WriteAllBytes(image, []);
        File.SetUnixFileMode(image, UnixFileMode.None);

        var error = Fails("explain", "--weights", weights, "--method", "vanilla", "--images", image, "--out", Path.Combine(root, "out"));

        Assert.Equal($"error: --images {image} cannot be read: permission denied (this user may not read it).", error);
    }

    private static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    /// <summary>Runs the command as a user that permissions apply to (root without capabilities); its one line of error, once it failed.</summary>
    private static string Fails(params string[] args)
    {
        var apphost = Path.Combine(AppContext.BaseDirectory, "MnistTrainer");
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "setpriv" : apphost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])(asRoot ? ["--inh-caps=-all", "--bounding-set=-all", "--", apphost, .. args] : args))
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the command did not end within 60 s");
        Assert.NotEqual(0, process.ExitCode);
        return error.Result.TrimEnd();
    }
}
