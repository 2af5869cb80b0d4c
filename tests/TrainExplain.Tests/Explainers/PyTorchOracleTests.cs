using System.Runtime.CompilerServices;
using TorchSharp.Modules;
using TrainExplain.Data.SafeTensors;
using TrainExplain.Explainers;
using TrainExplain.Testing;

namespace TrainExplain.Tests.Explainers;

/// <summary>
/// Every method against the PyTorch reference peer (benchmarks/reference/pytorch_reference.py, oracle subcommand) on
/// the same weights and inputs: an independent implementation of METHODS.md on the same libtorch. Skipped where
/// /usr/bin/python3 has no torch (Debian's python3-torch).
/// </summary>
public sealed class PyTorchOracleTests
{
    /// <summary>(oracle method, oracle options, our explainer).</summary>
    private static readonly (string Method, string Options, Func<nn.Module<Tensor, Tensor>, IExplainer> Create)[] Cases =
    [
        ("vanilla", "", m => new VanillaGradients(m)),
        ("gradinput", "", m => new GradientsInputs(m)),
        ("smoothgrad", "--samples 3 --seed 7", m => new SmoothGrad(m, samples: 3, seed: 7)),
        ("smoothgrad_sq", "--samples 3 --seed 7", m => new SmoothGradSquared(m, samples: 3, seed: 7)),
        ("vargrad", "--samples 3 --seed 7", m => new VarGrad(m, samples: 3, seed: 7)),
        ("ig", "--steps 8", m => new IntegratedGradients(m, steps: 8)),
        ("ig", "--steps 5 --rule riemann_trapezoid", m => new IntegratedGradients(m, steps: 5, rule: IntegrationRule.RiemannTrapezoid)),
        ("gradcam", "", m => new GradCam(m)),
        ("gradcam_guided", "", m => new GradCam(m, guided: true)),
        ("gradcampp", "--layer conv1", m => new GradCamPlusPlus(m, layer: "conv1")),
        ("occlusion", "", m => new OcclusionSensitivity(m)),
        ("fullgrad", "", m => new FullGrad(m)),
        ("activations", "", m => new LayerActivations(m)),
    ];

    /// <summary>The example's simple ConvNet with PyTorch's module names, so its state_dict loads in the reference.</summary>
    private static Sequential SimpleConvNet() => nn.Sequential(
        ("conv1", nn.Conv2d(1, 32, 3)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(32, 64, 3)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()), ("dropout", nn.Dropout(0.5)), ("fc", nn.Linear(1600, 10)));

    [Fact]
    public void EveryMethodMatchesThePyTorchReference()
    {
        var script = ReferenceScript();
        Assert.SkipUnless(File.Exists(script) && DebianPython.HasTorch, $"{DebianPython.Path} with torch and {script} are needed for the oracle.");
        var directory = Directory.CreateTempSubdirectory("oracle").FullName;
        try
        {
            torch.manual_seed(31);
            using var scope = torch.NewDisposeScope();
            using var model = SimpleConvNet();
            var x = torch.rand([3, 1, 28, 28]);
            var targets = torch.tensor(new long[] { 4, 0, 9 });
            TensorSafeTensors.Save(Path.Combine(directory, "weights.safetensors"), model.state_dict());
            TensorSafeTensors.Save(Path.Combine(directory, "input.safetensors"), new Dictionary<string, Tensor> { ["input"] = x, ["targets"] = targets });
            RunOracle(script, directory);
            for (var i = 0; i < Cases.Length; i++)
            {
                var (method, options, create) = Cases[i];
                using var ours = create(model).Explain(x, Targets.Labels(targets));
                var theirs = TensorSafeTensors.Load(Path.Combine(directory, $"out{i}.safetensors"));
                var label = $"{method} {options}";
                AssertClose(theirs["attributions"], ours.Raw, label + " attributions");
                Assert.Equal(theirs["targets"].ToLongs(), ours.Targets);
                AssertClose(theirs["scores"], torch.tensor(ours.Scores), label + " scores");
                if (ours is Attribution attribution)
                {
                    AssertClose(theirs["heatmaps"], attribution.Heatmaps, label + " heatmaps");
                    if (theirs.TryGetValue("cam", out var cam))
                    {
                        AssertClose(cam, attribution.LayerMap!, label + " cam");
                    }
                    if (theirs.TryGetValue("delta", out var delta))
                    {
                        AssertClose(delta, attribution.Delta!, label + " delta", absolute: 1e-4);
                    }
                }
                foreach (var tensor in theirs.Values)
                {
                    tensor.Dispose();
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>|ours - theirs| within 1e-4 of the reference's largest magnitude (float32, same libtorch, different op order).</summary>
    private static void AssertClose(Tensor expected, Tensor actual, string what, double absolute = 0)
    {
        Assert.Equal(expected.shape, actual.shape);
        var (e, a) = (expected.ToFloats(), actual.ToFloats());
        var tolerance = Math.Max(absolute, 1e-4 * Math.Max(1e-6, e.Max(Math.Abs)));
        for (var i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - a[i]) <= tolerance, $"{what}: element {i} is {a[i]}, the reference says {e[i]} (tolerance {tolerance})");
        }
    }

    /// <summary>Runs every case in one Python process (torch is imported once), writing out{i}.safetensors.</summary>
    private static void RunOracle(string script, string directory)
    {
        var calls = Cases.Select((c, i) =>
            $"['oracle', '--weights', 'weights.safetensors', '--input', 'input.safetensors', '--method', '{c.Method}', "
            + $"'--out', 'out{i}.safetensors'{string.Concat(c.Options.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(o => $", '{o}'"))}]");
        var program = $"import sys; sys.path.insert(0, {Quote(Path.GetDirectoryName(script)!)}); import pytorch_reference as r\n"
            + $"for argv in [{string.Join(", ", calls)}]: r.main(argv)\n";
        var (code, output, error) = DebianPython.Run(directory, "-c", program);
        Assert.True(code == 0, $"the oracle failed ({code}): {output}{error}");
    }

    private static string Quote(string text) => $"'{text.Replace("\\", "\\\\").Replace("'", "\\'")}'";

    /// <summary>The reference script, found from this source file's place in the repository.</summary>
    private static string ReferenceScript([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "../../../benchmarks/reference/pytorch_reference.py"));
}
