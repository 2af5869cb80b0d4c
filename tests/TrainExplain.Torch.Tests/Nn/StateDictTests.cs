using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Nn;

/// <summary>state_dict through safetensors into a fresh model, and load_state_dict's strict, non-strict and shape errors.</summary>
public sealed class StateDictTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("state-dict-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_state_dict_saved_as_safetensors_loads_into_a_fresh_model_with_identical_outputs()
    {
        using var scope = torch.NewDisposeScope();
        string path = Path.Combine(_directory, "model.safetensors");
        torch.manual_seed(1);
        using var trained = TestModels.NamedConvNet();
        var input = torch.randn(TestModels.ConvNetInput);
        // One training forward moves the batch norm statistics away from their initial values.
        _ = trained.call(input);
        trained.eval();
        torch.save_safetensors(trained.state_dict(), path);
        torch.manual_seed(2);
        using var fresh = TestModels.NamedConvNet();
        fresh.eval();

        var loaded = torch.load_safetensors(path);
        scope.Include([.. loaded.Values]);
        var (missing, unexpected) = fresh.load_state_dict(loaded);

        Assert.Empty(missing);
        Assert.Empty(unexpected);
        foreach (var (name, tensor) in trained.state_dict())
        {
            Assert.Equal(tensor.to(ScalarType.Float64).data<double>(), fresh.state_dict()[name].to(ScalarType.Float64).data<double>());
        }

        Assert.Equal(1, fresh.state_dict()["features.bn.num_batches_tracked"].item<long>());
        Assert.Equal(trained.call(input).data<float>(), fresh.call(input).data<float>());
    }

    [Fact]
    public void Strict_loading_with_a_missing_key_throws_naming_it()
    {
        using var scope = torch.NewDisposeScope();
        using var model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1));
        var state = model.state_dict().Where(p => p.Key != "1.bias").ToDictionary();

        var e = Assert.Throws<ArgumentException>(() => model.load_state_dict(state));

        Assert.Contains("missing keys [1.bias]", e.Message);
    }

    [Fact]
    public void Strict_loading_with_an_unexpected_key_throws_naming_it()
    {
        using var scope = torch.NewDisposeScope();
        using var model = torch.nn.Sequential(torch.nn.Linear(2, 3));
        var state = model.state_dict().ToDictionary();
        state["2.weight"] = torch.zeros([1]);

        var e = Assert.Throws<ArgumentException>(() => model.load_state_dict(state));

        Assert.Contains("unexpected keys [2.weight]", e.Message);
    }

    [Fact]
    public void Non_strict_loading_returns_the_missing_and_unexpected_keys_and_loads_the_rest()
    {
        using var scope = torch.NewDisposeScope();
        using var model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1));
        var state = new Dictionary<string, Tensor>
        {
            ["0.weight"] = torch.full([3, 2], 0.25),
            ["0.bias"] = torch.full([3], -1.0),
            ["extra"] = torch.zeros([1]),
        };

        var (missing, unexpected) = model.load_state_dict(state, strict: false);

        Assert.Equal(["1.weight", "1.bias"], missing);
        Assert.Equal(["extra"], unexpected);
        Assert.All(model.state_dict()["0.weight"].data<float>(), v => Assert.Equal(0.25f, v));
        Assert.All(model.state_dict()["0.bias"].data<float>(), v => Assert.Equal(-1f, v));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_shape_mismatch_throws_naming_the_key_and_both_shapes_and_leaks_nothing(bool strict)
    {
        using var scope = torch.NewDisposeScope();
        using var model = torch.nn.Sequential(torch.nn.Linear(2, 3));
        var state = model.state_dict().ToDictionary();
        state["0.weight"] = torch.zeros([3, 4]);
        long baseline = torch.live_tensor_count();

        var e = Assert.Throws<ArgumentException>(() => model.load_state_dict(state, strict));

        Assert.Equal(baseline, torch.live_tensor_count());
        Assert.Contains("'0.weight'", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        Assert.Contains("[3, 2]", e.Message);
    }

    [Fact]
    public void Loading_copies_values_so_the_source_tensors_stay_independent()
    {
        using var scope = torch.NewDisposeScope();
        using var model = torch.nn.Sequential(torch.nn.Linear(1, 1));
        var weight = torch.full([1, 1], 3.0);
        var state = new Dictionary<string, Tensor> { ["0.weight"] = weight, ["0.bias"] = torch.zeros([1]) };
        model.load_state_dict(state);

        weight.fill_(5);

        Assert.Equal(3f, model.state_dict()["0.weight"].item<float>());
        Assert.True(model.state_dict()["0.weight"].requires_grad);
    }
}
