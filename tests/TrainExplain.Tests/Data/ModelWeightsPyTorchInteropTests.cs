using System.Globalization;
using TrainExplain.Data;
using TrainExplain.Data.SafeTensors;
using TrainExplain.Tests.Support;
using TrainExplain.Tests.Training;
using TrainExplain.Tests.UserModels;
using TrainExplain.Training;

namespace TrainExplain.Tests.Data;

/// <summary>Weights go both ways between <see cref="ModelWeights"/> and PyTorch 1.13, strictly, with the same outputs.</summary>
public sealed class ModelWeightsPyTorchInteropTests(PyTorchWeightFiles files) : IClassFixture<PyTorchWeightFiles>, IDisposable
{
    /// <summary>|ours - PyTorch's| for the same weights and inputs: same libtorch kernels, float32.</summary>
    private const double Tolerance = 1e-6;

    private readonly string directory = Directory.CreateTempSubdirectory("weights-interop").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData("pytorch.pt")]
    [InlineData("strided.pt")]
    [InlineData("pytorch.safetensors")]
    public void WeightsWrittenByPyTorchLoadStrictlyAndGiveItsOutputs(string name)
    {
        PythonTorch.SkipUnlessAvailable();
        using var model = UserModelZoo.NamedSequential();
        ModelWeights.Load(model, files[name]);
        var io = TensorSafeTensors.Load(files["pytorch_io.safetensors"]);
        try
        {
            var (ours, _) = UserModelExplainerTests.EvalScores(model, io["x"]);
            var theirs = io["y"].ToFloats();
            Assert.Equal(theirs.Length, ours.Length);
            Assert.All(theirs.Zip(ours), p => Assert.True(Math.Abs(p.First - p.Second) <= Tolerance, $"{p.Second} vs PyTorch's {p.First}"));
            using var scope = torch.NewDisposeScope();
            Assert.Equal(7L, model.state_dict()["bn1.num_batches_tracked"].item<long>());
        }
        finally
        {
            foreach (var tensor in io.Values)
            {
                tensor.Dispose();
            }
        }
    }

    [Theory]
    [InlineData("pytorch.pt")]
    [InlineData("pytorch.safetensors")]
    public void LoadingKeepsEachParametersRequiresGradAndTheParametersThemselves(string name)
    {
        PythonTorch.SkipUnlessAvailable();
        using var model = UserModelZoo.NamedSequential();
        model.get_parameter("conv1.weight")!.requires_grad_(false);
        var before = model.named_parameters().Select(p => (p.name, p.parameter.Handle, p.parameter.requires_grad)).ToList();
        ModelWeights.Load(model, files[name]);
        // PyTorch saves state-dict tensors with requires_grad false, and TorchSharp's load_state_dict copies it.
        Assert.Equal(before, model.named_parameters().Select(p => (p.name, p.parameter.Handle, p.parameter.requires_grad)).ToList());
        Assert.Equal(7, before.Count(p => p.requires_grad));
    }

    [Fact]
    public void AFitEpochAfterLoadingAPyTorchFileChangesTheWeights()
    {
        PythonTorch.SkipUnlessAvailable();
        using var model = UserModelZoo.NamedSequential();
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        ModelWeights.Load(model, files["pytorch.pt"]);
        var loaded = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.ToFloats());
        using var data = TrainingFixtures.Bars(16, seed: 3);
        using var loss = nn.CrossEntropyLoss();
        Trainer.Fit(model, optimizer, loss, new BatchLoader(data, 8), null, epochs: 1, cancellation: TestContext.Current.CancellationToken);
        // conv1.bias is followed by BatchNorm in train mode, which removes any per-channel shift: its gradient is 0.
        Assert.All(model.named_parameters().Where(p => p.name != "conv1.bias"), p => Assert.NotEqual(loaded[p.name], p.parameter.ToFloats()));
    }

    [Theory]
    [InlineData("csharp.pt")]
    [InlineData("csharp.safetensors")]
    public void WeightsSavedHereLoadStrictlyIntoPyTorchAndGiveOurOutputs(string name)
    {
        PythonTorch.SkipUnlessAvailable();
        using var model = UserModelZoo.Create("sequential", seed: 72);
        UserModelZoo.RandomizeBatchNormStatistics(model);
        var weights = Path.Combine(directory, name);
        ModelWeights.Save(model, weights);
        using (var scope = torch.NewDisposeScope())
        {
            var x = torch.rand([3, 1, 8, 8]);
            var training = model.training;
            model.eval();
            using (torch.no_grad())
            {
                TensorSafeTensors.Save(Path.Combine(directory, "io.safetensors"), new Dictionary<string, Tensor> { ["x"] = x, ["y"] = model.call(x) });
            }
            model.train(training);
        }
        var output = PythonTorch.RunScript(directory, PyTorchWeightFiles.Script, "check", weights, "io.safetensors");
        var difference = double.Parse(output.Trim(), CultureInfo.InvariantCulture);
        Assert.True(difference <= Tolerance, $"PyTorch's outputs differ from ours by up to {difference}");
    }
}
