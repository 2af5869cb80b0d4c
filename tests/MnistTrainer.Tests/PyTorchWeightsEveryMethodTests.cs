using MnistTrainer.Tests.Support;
using TrainExplain.Data.SafeTensors;

namespace MnistTrainer.Tests;

/// <summary>
/// <c>explain --weights model.pt</c>, a file PyTorch saved (its tensors say requires_grad false), runs every method and
/// writes exactly what the same weights as safetensors give: loading keeps the model's parameters trainable, and the
/// methods that take no input gradient (the CAMs, occlusion, activations) no longer end the process in libtorch's
/// terminate ("element 0 of tensors does not require grad").
/// </summary>
public sealed class PyTorchWeightsEveryMethodTests(PyTorchSimpleWeights files) : IClassFixture<PyTorchSimpleWeights>, IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("explain-pt").FullName;

    public static TheoryData<string> Methods => [.. ExplainerCatalog.Names];

    [Theory]
    [MemberData(nameof(Methods))]
    public void EveryMethodExplainsWithPyTorchPtWeightsAsWithSafeTensors(string method)
    {
        using var scope = NewDisposeScope();
        var fromPt = Explain(method, files["model.pt"], "from-pt");
        var fromSafeTensors = Explain(method, files["model.safetensors"], "from-safetensors");
        Assert.Equal(fromSafeTensors.Keys.Order(), fromPt.Keys.Order());
        foreach (var (name, tensor) in fromSafeTensors)
        {
            Assert.Equal(tensor.shape, fromPt[name].shape);
            Assert.Equal(tensor.to(ScalarType.Float64).data<double>().ToArray(), fromPt[name].to(ScalarType.Float64).data<double>().ToArray());
        }
    }

    private Dictionary<string, Tensor> Explain(string method, string weights, string output)
    {
        var folder = Path.Combine(root, output);
        string[] inputs = method == ExplainerCatalog.ClassVisualization ? ["--steps", "4"] : ["--input", files["input.safetensors"], "--target", "label"];
        string[] cost = method switch
        {
            "ig" => ["--steps", "4"],
            "smoothgrad" or "smoothgrad_sq" or "vargrad" => ["--samples", "3"],
            _ => [],
        };
        Cli.Succeed(["explain", "--weights", weights, "--method", method, "--out", folder, "--device", "cpu", .. inputs, .. cost]);
        return TensorSafeTensors.Load(Path.Combine(folder, $"{method}.safetensors"));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
