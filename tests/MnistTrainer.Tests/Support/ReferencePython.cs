using System.Reflection;
using System.Text.Json;
using TrainExplain.Testing;

namespace MnistTrainer.Tests.Support;

/// <summary>
/// Scripts run by Debian's PyTorch 1.13 with the reference peer (benchmarks/reference/pytorch_reference.py) imported as
/// <c>r</c>: its SimpleNet and DeepNet are the PyTorch side of the example's models, and it reads and writes safetensors.
/// </summary>
internal static class ReferencePython
{
    private static readonly string Directory = typeof(ReferencePython).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "PyTorchReferenceDirectory").Value!;

    /// <summary>Skips the calling test, saying why, when Debian's Python with torch or the reference script is absent.</summary>
    public static void Require()
    {
        if (!DebianPython.HasTorch)
        {
            Assert.Skip($"{DebianPython.Path} with torch (Debian package python3-torch) is not installed; it is the reference of this test.");
        }
        Assert.True(File.Exists(Path.Combine(Directory, "pytorch_reference.py")), $"no pytorch_reference.py in {Directory}");
    }

    private static readonly Lazy<bool> TorchVision = new(() => DebianPython.HasTorch && DebianPython.Run(null, "-c", "import torchvision").ExitCode == 0);

    /// <summary>As <see cref="Require"/>, and skips when torchvision (Debian package python3-torchvision) is absent.</summary>
    public static void RequireTorchVision()
    {
        Require();
        if (!TorchVision.Value)
        {
            Assert.Skip($"{DebianPython.Path} without torchvision (Debian package python3-torchvision); its models are the reference of this test.");
        }
    }

    /// <summary>Runs <paramref name="script"/> (sys.argv[1:] = <paramref name="arguments"/>) and returns its stdout, failing on a non-zero exit.</summary>
    public static string Run(string script, params string[] arguments)
    {
        var prelude = $"import json, sys, torch\nsys.path.insert(0, {JsonSerializer.Serialize(Directory)})\nimport pytorch_reference as r\n";
        var (exitCode, output, error) = DebianPython.Run(null, ["-c", prelude + script, .. arguments]);
        Assert.True(exitCode == 0, $"python3 failed with exit code {exitCode}: {error}");
        return output;
    }

    /// <summary>Runs <paramref name="script"/>, which prints one JSON array of rows of numbers (logits), and parses it.</summary>
    public static float[][] RunForRows(string script, params string[] arguments) =>
        JsonSerializer.Deserialize<float[][]>(Run(script, arguments))!;
}
