using MnistTrainer.Models;
using MnistTrainer.Tests.Support;
using TrainExplain.Data;
using TrainExplain.Data.SafeTensors;

namespace MnistTrainer.Tests;

/// <summary>
/// The example's weights files against PyTorch 1.13's own: <c>explain</c> reads <c>torch.save(model.state_dict())</c>
/// files as it reads safetensors, the weights <c>train</c> saves load strictly into PyTorch's model and compute the same
/// logits there, and a file that does not fit ends in one error that names the file, the parameter and the --arch.
/// </summary>
public sealed class WeightsInteropTests : IDisposable
{
    /// <summary>Logits of the same weights and images in TorchSharp and PyTorch (libtorch 2.10 vs 1.13, 2 vs 1 threads).</summary>
    private const float LogitTolerance = 1e-5f;

    private const string PyTorchLogits = """
        arch, weights, images = sys.argv[1:4]
        model = r.ARCHS[arch]()
        state = torch.load(weights) if weights.endswith(".pt") else r.load_safetensors(weights)
        model.load_state_dict(state, strict=True)
        model.eval()
        with torch.no_grad():
            print(json.dumps(model(r.load_safetensors(images)["images"]).tolist()))
        """;

    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-weights").FullName;

    [Fact]
    public void ExplainTakesPyTorchPtFilesAsItTakesSafeTensors()
    {
        ReferencePython.Require();
        var (pt, safetensors, input) = (Path.Combine(root, "model.pt"), Path.Combine(root, "model.safetensors"), Path.Combine(root, "input.safetensors"));
        var logits = ReferencePython.RunForRows("""
            pt, safetensors, images = sys.argv[1:4]
            model = r.make_model("simple", seed=3).eval()
            torch.save(model.state_dict(), pt)
            r.save_safetensors(safetensors, model.state_dict())
            x = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(5))
            r.save_safetensors(images, {"images": x, "labels": torch.tensor([0, 3, 7, 9])})
            with torch.no_grad():
                print(json.dumps(model(x).tolist()))
            """, pt, safetensors, input);

        using var scope = NewDisposeScope();
        var fromPt = Explain(pt, input, "from-pt");
        var fromSafeTensors = Explain(safetensors, input, "from-safetensors");

        Assert.Equal([0L, 3, 7, 9], fromPt["targets"].data<long>().ToArray());
        foreach (var name in new[] { "attributions", "heatmaps", "targets", "scores" })
        {
            Assert.Equal(fromSafeTensors[name].shape, fromPt[name].shape);
            Assert.Equal(Values(fromSafeTensors[name]), Values(fromPt[name]));
        }
        // The scores are the PyTorch model's own logits of the labels: the .pt file's weights, not a fresh initialization.
        var scores = fromPt["scores"].data<float>().ToArray();
        long[] labels = [0, 3, 7, 9];
        for (var i = 0; i < labels.Length; i++)
        {
            Assert.Equal(logits[i][labels[i]], scores[i], LogitTolerance);
        }
    }

    [Theory]
    [InlineData("simple", "model.safetensors")]
    [InlineData("deep", "model.pt")]
    public void TrainedWeightsLoadStrictlyIntoPyTorchAndGiveItsLogits(string arch, string file)
    {
        FashionMnist.Require();
        ReferencePython.Require();
        var weights = Path.Combine(root, file);
        Cli.Succeed("train", "--data", FashionMnist.Directory, "--arch", arch, "--epochs", "1", "--limit-train", "128", "--limit-val", "32",
            "--explainers", "none", "--logdir", Path.Combine(root, "runs"), "--run-name", arch, "--device", "cpu", "--save", weights);
        var images = Path.Combine(root, "images.safetensors");
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var x = rand([5, 1, 28, 28], generator: generator);
        TensorSafeTensors.Save(images, new Dictionary<string, Tensor> { ["images"] = x });

        var pytorch = ReferencePython.RunForRows(PyTorchLogits, arch, weights, images);

        using var model = Architectures.Create(arch);
        ModelWeights.Load(model, weights);
        model.eval();
        using var noGrad = no_grad();
        var ours = model.call(x).data<float>().ToArray();
        Assert.Equal(5, pytorch.Length);
        for (var i = 0; i < ours.Length; i++)
        {
            Assert.Equal(pytorch[i / 10][i % 10], ours[i], LogitTolerance);
        }
    }

    [Fact]
    public void TheRunFoldersWeightsLoadStrictlyIntoPyTorch()
    {
        FashionMnist.Require();
        ReferencePython.Require();
        Cli.Succeed("train", "--data", FashionMnist.Directory, "--epochs", "1", "--limit-train", "64", "--limit-val", "32",
            "--explainers", "none", "--logdir", root, "--run-name", "run", "--device", "cpu");
        var images = Path.Combine(root, "images.safetensors");
        using var scope = NewDisposeScope();
        TensorSafeTensors.Save(images, new Dictionary<string, Tensor> { ["images"] = zeros([1, 1, 28, 28]) });

        var logits = ReferencePython.RunForRows(PyTorchLogits, "simple", Path.Combine(root, "run", "model.safetensors"), images);

        Assert.Equal(10, Assert.Single(logits).Length);
    }

    [Fact]
    public void SimpleWeightsWithArchDeepNameTheParameterAndTheArch()
    {
        var weights = Path.Combine(root, "simple.safetensors");
        using (var model = new SimpleConvNet())
        {
            ModelWeights.Save(model, weights);
        }

        var (exitCode, _, error) = Cli.Run("explain", "--weights", weights, "--arch", "deep", "--method", "vanilla", "--indices", "0-1",
            "--data", FashionMnist.Directory, "--device", "cpu");

        Assert.NotEqual(0, exitCode);
        Cli.AssertOneLineErrors(error);
        Assert.Contains(weights, error);
        Assert.Contains("conv3.weight", error);
        Assert.Contains("(with --arch deep); the file fits --arch simple.", error);
    }

    [Theory]
    [InlineData("truncated.pt")]
    [InlineData("truncated.safetensors")]
    [InlineData("text.pt")]
    [InlineData("text.safetensors")]
    public void BadWeightsFilesEndInOneErrorNamingTheFile(string file)
    {
        var weights = Path.Combine(root, file);
        if (file.StartsWith("truncated", StringComparison.Ordinal))
        {
            using var model = new SimpleConvNet();
            ModelWeights.Save(model, weights);
            var bytes = File.ReadAllBytes(weights);
            File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        }
        else
        {
            File.WriteAllText(weights, "conv1.weight = [1, 2, 3]\n");
        }

        var (exitCode, _, error) = Cli.Run("explain", "--weights", weights, "--method", "vanilla", "--indices", "0-1",
            "--data", FashionMnist.Directory, "--device", "cpu");

        Assert.Equal(CommandLineErrors.UsageError, exitCode);
        Cli.AssertOneLineErrors(error);
        Assert.Contains(weights, error);
    }

    private Dictionary<string, Tensor> Explain(string weights, string input, string output)
    {
        var folder = Path.Combine(root, output);
        Cli.Succeed("explain", "--weights", weights, "--input", input, "--method", "vanilla", "--target", "label", "--out", folder, "--device", "cpu");
        return TensorSafeTensors.Load(Path.Combine(folder, "vanilla.safetensors"));
    }

    private static double[] Values(Tensor tensor) => tensor.to(ScalarType.Float64).data<double>().ToArray();

    public void Dispose() => Directory.Delete(root, recursive: true);
}
