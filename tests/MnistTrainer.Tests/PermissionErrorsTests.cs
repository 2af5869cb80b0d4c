using System.Diagnostics;
using MnistTrainer.Models;
using MnistTrainer.Tests.Support;
using TrainExplain.Data;

namespace MnistTrainer.Tests;

/// <summary>
/// Issue 22, item 6: a folder or file the user may not write or read is named with its flag, in plain words. Run as root,
/// permissions stop nothing, so the command then runs as the unprivileged user nobody (setpriv), as it would for a user.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PermissionErrorsTests : IDisposable
{
    private const int Nobody = 65534;
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-permissions").FullName;
    private readonly string locked;

    public PermissionErrorsTests()
    {
        // Everyone may work in the root (nobody included); the locked folder lets nobody but root create anything in it.
        File.SetUnixFileMode(root, Mode("777"));
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
        File.SetUnixFileMode(weights, Mode("644"));
        var image = Path.Combine(root, "digit.png");
        File.WriteAllBytes(image, []);
        File.SetUnixFileMode(image, UnixFileMode.None);

        var error = Fails("explain", "--weights", weights, "--method", "vanilla", "--images", image, "--out", Path.Combine(root, "out"));

        Assert.Equal($"error: --images {image} cannot be read: permission denied (this user may not read it).", error);
    }

    private static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    /// <summary>Runs the command as a user that permissions apply to; its one line of error, once it failed.</summary>
    private static string Fails(params string[] args)
    {
        var apphost = Path.Combine(AppContext.BaseDirectory, "MnistTrainer");
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "setpriv" : apphost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])(asRoot ? [$"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", apphost, .. args] : args))
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
