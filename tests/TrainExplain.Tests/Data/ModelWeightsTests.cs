using TrainExplain.Data;
using TrainExplain.Tests.Support;
using TrainExplain.Tests.UserModels;

namespace TrainExplain.Tests.Data;

/// <summary><see cref="ModelWeights"/> round trips, and files that read well but do not fit the model.</summary>
public sealed class ModelWeightsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("weights").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    public static TheoryData<string> Formats => ["model.safetensors", "model.pt", "model.pth", "model.bin", "MODEL.SAFETENSORS"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void SavedWeightsLoadIntoAFreshModelWithTheSameStateAndOutputs(string name)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, "an older file, replaced");
        using var trained = UserModelZoo.Create("blocks", seed: 70);
        UserModelZoo.RandomizeBatchNormStatistics(trained);
        ModelWeights.Save(trained, path);
        Assert.Equal([path], Directory.GetFiles(directory));

        using var fresh = UserModelZoo.Create("blocks", seed: 71);
        var state = UserModelExplainerTests.Snapshot(trained);
        Assert.NotEqual(state["block1.conv.weight"], UserModelExplainerTests.Snapshot(fresh)["block1.conv.weight"]);
        var tensors = LiveTensors.Baseline();
        ModelWeights.Load(fresh, path);
        tensors.AssertUnchanged();

        UserModelExplainerTests.AssertSameState(state, fresh);
        using var scope = torch.NewDisposeScope();
        Assert.Equal(trained.state_dict().Select(p => (p.Key, p.Value.dtype)), fresh.state_dict().Select(p => (p.Key, p.Value.dtype)));
        var x = torch.rand([2, 1, 8, 8]);
        Assert.Equal(UserModelExplainerTests.EvalScores(trained, x).Logits, UserModelExplainerTests.EvalScores(fresh, x).Logits);
    }

    [Theory]
    [InlineData("wider.safetensors")]
    [InlineData("wider.pt")]
    public void AFileOfAnotherArchitectureNamesTheParameterAndBothShapes(string name)
    {
        var path = Path.Combine(directory, name);
        using (var wider = WeightsTestModels.Net(width: 8))
        {
            ModelWeights.Save(wider, path);
        }
        using var model = WeightsTestModels.Net();
        var error = WeightsAssert.Refused<WeightsMismatchException>(model, path);
        Assert.Equal("conv1.weight", error.Parameter);
        Assert.Equal(path, error.Path);
        Assert.Contains("'conv1.weight' has shape [8, 1, 3, 3] in the file but [4, 1, 3, 3] in the model", error.Message);
    }

    [Theory]
    [InlineData("headless.safetensors")]
    [InlineData("headless.pt")]
    public void AFileWithoutSomeOfTheModelsTensorsNamesThem(string name)
    {
        var path = Path.Combine(directory, name);
        using (var headless = WeightsTestModels.Net(head: false))
        {
            ModelWeights.Save(headless, path);
        }
        using var model = WeightsTestModels.Net();
        var error = WeightsAssert.Refused<WeightsMismatchException>(model, path);
        Assert.Equal("fc.weight", error.Parameter);
        Assert.Contains("missing fc.weight, fc.bias; unexpected none", error.Message);
    }

    [Theory]
    [InlineData("extra.safetensors")]
    [InlineData("extra.pt")]
    public void AFileWithTensorsTheModelLacksNamesThem(string name)
    {
        var path = Path.Combine(directory, name);
        using (var extra = WeightsTestModels.Net(extra: true))
        {
            ModelWeights.Save(extra, path);
        }
        using var model = WeightsTestModels.Net();
        var error = WeightsAssert.Refused<WeightsMismatchException>(model, path);
        Assert.Equal("fc2.bias", error.Parameter);
        Assert.Contains("missing none; unexpected fc2.bias, fc2.weight", error.Message);
    }

    [Fact]
    public void BadArgumentsAndMissingFilesAreRefused()
    {
        using var model = WeightsTestModels.Net();
        Assert.Throws<FileNotFoundException>(() => ModelWeights.Load(model, Path.Combine(directory, "absent.pt")));
        Assert.Throws<ArgumentException>(() => ModelWeights.Load(model, ""));
        Assert.Throws<ArgumentNullException>(() => ModelWeights.Load(null!, "x.pt"));
        Assert.Throws<ArgumentException>(() => ModelWeights.Save(model, ""));
    }
}
