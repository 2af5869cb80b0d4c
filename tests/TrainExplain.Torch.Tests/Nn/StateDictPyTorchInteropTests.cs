using System.Text.Json;
using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Nn;

/// <summary>
/// A state_dict written here loads into the same torch.nn.Sequential in Python with strict=True and gives the same
/// outputs (eval, and train with the running statistics it updates), and a PyTorch state_dict loads here. The model is
/// float32: outputs agree within <see cref="Tolerance"/> (different summation orders in the two builds).
/// </summary>
public sealed class StateDictPyTorchInteropTests : IDisposable
{
    private const double Tolerance = 1e-5;

    // argv: our state, the input, the output file. Writes: eval and train outputs of our state in PyTorch, the running
    // statistics after the train forward, and PyTorch's own freshly seeded state with its eval output (prefix "py.").
    private const string Script = TestModels.NamedConvNetPython + """
        state, x = st_load(sys.argv[1]), st_load(sys.argv[2])["x"]
        net = make_net()
        net.load_state_dict(state, strict=True)
        out = {"eval": net.eval()(x).detach(), "train": net.train()(x).detach()}
        for key in ("running_mean", "running_var", "num_batches_tracked"):
            out["bn." + key] = net.features.bn.__getattr__(key).clone()
        torch.manual_seed(5)
        own = make_net()
        own.features.bn.running_mean.uniform_(-1, 1)
        for name, t in own.state_dict().items():
            out["py." + name] = t
        out["py_eval"] = own.eval()(x).detach()
        st_save(out, sys.argv[3])
        print(json.dumps(list(net.state_dict().keys())))
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("state-dict-interop-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_state_dict_written_here_loads_strictly_in_PyTorch_and_gives_the_same_outputs()
    {
        PythonTorch.SkipUnlessAvailable();
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        using var model = TestModels.NamedConvNet();
        var input = torch.randn(TestModels.ConvNetInput);
        _ = model.call(input);
        var result = RunPython(model, input, out var keys);

        Assert.Equal(model.state_dict().Keys, keys);
        TensorAssert.Close(Floats(result["eval"]), model.eval().call(input).data<float>(), Tolerance);
        TensorAssert.Close(Floats(result["train"]), model.train().call(input).data<float>(), Tolerance);
        var bn = model.state_dict();
        TensorAssert.Close(Floats(result["bn.running_mean"]), bn["features.bn.running_mean"].data<float>(), Tolerance);
        TensorAssert.Close(Floats(result["bn.running_var"]), bn["features.bn.running_var"].data<float>(), Tolerance);
        Assert.Equal(result["bn.num_batches_tracked"].item<long>(), bn["features.bn.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void A_state_dict_written_by_PyTorch_loads_strictly_here_and_gives_the_same_outputs()
    {
        PythonTorch.SkipUnlessAvailable();
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        using var model = TestModels.NamedConvNet();
        var input = torch.randn(TestModels.ConvNetInput);
        var result = RunPython(model, input, out _);
        var pythonState = result.Where(p => p.Key.StartsWith("py.", StringComparison.Ordinal)).ToDictionary(p => p.Key[3..], p => p.Value);
        using var loaded = TestModels.NamedConvNet();

        loaded.load_state_dict(pythonState, strict: true);

        TensorAssert.Close(Floats(result["py_eval"]), loaded.eval().call(input).data<float>(), Tolerance);
    }

    private Dictionary<string, Tensor> RunPython(Modules.Module model, Tensor input, out string[] keys)
    {
        string statePath = Path.Combine(_directory, "state.safetensors"), inputPath = Path.Combine(_directory, "input.safetensors");
        string outputPath = Path.Combine(_directory, "output.safetensors");
        torch.save_safetensors(model.state_dict(), statePath);
        torch.save_safetensors(new Dictionary<string, Tensor> { ["x"] = input }, inputPath);
        string printed = PythonTorch.RunScript(Script, statePath, inputPath, outputPath);
        keys = JsonSerializer.Deserialize<string[]>(printed)!;
        var result = torch.load_safetensors(outputPath);
        DisposeScope.Current!.Include([.. result.Values]);
        return result;
    }

    private static double[] Floats(Tensor tensor) => [.. tensor.data<float>().Select(v => (double)v)];
}
