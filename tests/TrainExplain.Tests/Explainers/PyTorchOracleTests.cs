using System.Runtime.CompilerServices;
using TorchSharp.Modules;
using TrainExplain.Data.SafeTensors;
using TrainExplain.Explainers;
using TrainExplain.Metrics;
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
        ("ig", "--steps 8", m => new IntegratedGradients(m, steps: 8) { ComputeDelta = true }),
        ("ig", "--steps 5 --rule riemann_trapezoid", m => new IntegratedGradients(m, steps: 5, rule: IntegrationRule.RiemannTrapezoid)),
        ("gradcam", "", m => new GradCam(m)),
        ("gradcam_guided", "", m => new GradCam(m, guided: true)),
        ("gradcampp", "--layer conv1", m => new GradCamPlusPlus(m, layer: "conv1")),
        ("layercam", "", m => new LayerCam(m)),
        ("layercam", "--layer conv1", m => new LayerCam(m, layer: "conv1")),
        ("scorecam", "", m => new ScoreCam(m, internalBatchSize: 50)),
        ("scorecam", "--layer conv1 --max-channels 5", m => new ScoreCam(m, layer: "conv1", maxChannels: 5)),
        ("occlusion", "", m => new OcclusionSensitivity(m)),
        ("fullgrad", "", m => new FullGrad(m)),
        ("activations", "", m => new LayerActivations(m)),
        ("guidedbackprop", "", m => new GuidedBackprop(m)),
        ("guided_gradcam", "", m => new GuidedGradCam(m)),
        ("deeplift", "", m => new DeepLift(m)),
    ];

    /// <summary>The example's simple ConvNet with PyTorch's module names, so its state_dict loads in the reference.</summary>
    private static Sequential SimpleConvNet() => nn.Sequential(
        ("conv1", nn.Conv2d(1, 32, 3)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(32, 64, 3)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()), ("dropout", nn.Dropout(0.5)), ("fc", nn.Linear(1600, 10)));

    /// <summary>
    /// The files of one oracle run, in a temporary folder that <see cref="InOracleFolder"/> deletes: the model's
    /// weights.safetensors and input.safetensors with the inputs, their targets and any further tensors.
    /// </summary>
    private sealed record OracleFolder(string Script, string Directory, Sequential Model, Tensor Inputs, Tensor Targets);

    /// <summary>
    /// Runs <paramref name="test"/> over the example's simple ConvNet seeded with <paramref name="seed"/>, 3 random
    /// images and targets 4, 0, 9, written with <paramref name="extra"/> tensors for the reference; skipped without it.
    /// </summary>
    private static void InOracleFolder(int seed, Func<IReadOnlyDictionary<string, Tensor>> extra, Action<OracleFolder> test)
    {
        var script = ReferenceScript();
        Assert.SkipUnless(File.Exists(script) && DebianPython.HasTorch, $"{DebianPython.Path} with torch and {script} are needed for the oracle.");
        var directory = Directory.CreateTempSubdirectory("oracle").FullName;
        try
        {
            torch.manual_seed(seed);
            using var scope = torch.NewDisposeScope();
            using var model = SimpleConvNet();
            var x = torch.rand([3, 1, 28, 28]);
            var targets = torch.tensor(new long[] { 4, 0, 9 });
            var inputs = new Dictionary<string, Tensor>(extra()) { ["input"] = x, ["targets"] = targets };
            TensorSafeTensors.Save(Path.Combine(directory, "weights.safetensors"), model.state_dict());
            TensorSafeTensors.Save(Path.Combine(directory, "input.safetensors"), inputs);
            test(new OracleFolder(script, directory, model, x, targets));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void EveryMethodMatchesThePyTorchReference() => InOracleFolder(31, () => new Dictionary<string, Tensor>(), oracle =>
    {
        RunOracle(oracle.Script, oracle.Directory, CaseCalls());
        for (var i = 0; i < Cases.Length; i++)
        {
            var (method, options, create) = Cases[i];
            using var ours = create(oracle.Model).Explain(oracle.Inputs, Targets.Labels(oracle.Targets));
            var theirs = TensorSafeTensors.Load(Path.Combine(oracle.Directory, $"out{i}.safetensors"));
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
    });

    /// <summary>
    /// METHODS.md's deletion and insertion AUCs (S = 8, fill 0) of a given saliency with many ties (values 0 to 3), so
    /// the tie rule (ascending flat index) decides most of the order, against the reference's own implementation
    /// (numpy's lexsort for the order, one masked image at a time): within 1e-5, float32 probabilities on the same libtorch.
    /// </summary>
    [Fact]
    public void DeletionAndInsertionMatchThePyTorchReference()
    {
        Tensor? saliency = null;
        InOracleFolder(32, () => new Dictionary<string, Tensor> { ["saliency"] = saliency = torch.randint(0L, 4L, [3L, 28, 28]).to(ScalarType.Float32) }, oracle =>
        {
            RunOracle(oracle.Script, oracle.Directory, ["['oracle', '--weights', 'weights.safetensors', '--input', 'input.safetensors', '--method', 'deletion_insertion', "
                + "'--metric-steps', '8', '--out', 'faithfulness.safetensors']"]);

            var ours = new DeletionInsertion(oracle.Model, steps: 8).Measure(oracle.Inputs, saliency!, oracle.Targets);

            var theirs = TensorSafeTensors.Load(Path.Combine(oracle.Directory, "faithfulness.safetensors"));
            AssertWithin(theirs["deletion_auc"].ToFloats(), ours.Deletion, "deletion AUC");
            AssertWithin(theirs["insertion_auc"].ToFloats(), ours.Insertion, "insertion AUC");
            foreach (var tensor in theirs.Values)
            {
                tensor.Dispose();
            }
        });
    }

    /// <summary>
    /// DeepLIFT against a random image baseline [1, 28, 28], so each max-pool window's winners in the image and in the
    /// baseline differ often (with the zero baseline every baseline activation is a ReLU of a bias): the attributions
    /// within 1e-4 of the largest, delta within 1e-4, against the reference's rules written as autograd functions.
    /// </summary>
    [Fact]
    public void DeepLiftWithAnImageBaselineMatchesThePyTorchReference()
    {
        Tensor? baseline = null;
        InOracleFolder(33, () => new Dictionary<string, Tensor> { ["baseline"] = baseline = torch.rand([1, 28, 28]) }, oracle =>
        {
            RunOracle(oracle.Script, oracle.Directory, ["['oracle', '--weights', 'weights.safetensors', '--input', 'input.safetensors', '--method', 'deeplift', "
                + "'--out', 'deeplift.safetensors']"]);

            using var ours = (Attribution)new DeepLift(oracle.Model, baseline).Explain(oracle.Inputs, Targets.Labels(oracle.Targets));

            var theirs = TensorSafeTensors.Load(Path.Combine(oracle.Directory, "deeplift.safetensors"));
            AssertClose(theirs["attributions"], ours.Raw, "deeplift attributions");
            AssertClose(theirs["delta"], ours.Delta!, "deeplift delta", absolute: 1e-4);
            AssertClose(theirs["scores"], torch.tensor(ours.Scores), "deeplift scores");
            foreach (var tensor in theirs.Values)
            {
                tensor.Dispose();
            }
        });
    }

    private static void AssertWithin(float[] expected, IReadOnlyList<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"{what} of image {i}: {actual[i]}, the reference says {expected[i]}");
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

    /// <summary>Every case's oracle call (a Python list of arguments), writing out{i}.safetensors.</summary>
    private static IEnumerable<string> CaseCalls() => Cases.Select((c, i) =>
        $"['oracle', '--weights', 'weights.safetensors', '--input', 'input.safetensors', '--method', '{c.Method}', "
        + $"'--out', 'out{i}.safetensors'{string.Concat(c.Options.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(o => $", '{o}'"))}]");

    /// <summary>Runs the oracle <paramref name="calls"/> (Python lists of arguments) in one Python process, so torch is imported once.</summary>
    private static void RunOracle(string script, string directory, IEnumerable<string> calls)
    {
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
