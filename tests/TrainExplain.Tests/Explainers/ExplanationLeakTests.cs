using TrainExplain.Data.SafeTensors;
using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Explainers;

/// <summary>An explanation's own methods, called where the caller opened no dispose scope, free what they make.</summary>
public sealed class ExplanationLeakTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("explanations").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void RenderingAndSavingOutsideAnyDisposeScopeLeaveNoTensorToTheFinalizer()
    {
        torch.manual_seed(26);
        using var model = ExplainerModels.NestedConvNet();
        using var x = torch.rand([3, 1, 8, 8]);
        var explanations = ExplainerBehaviourTests.All(model).Select(e => e.Explain(x, Targets.Predicted)).ToList();
        explanations.Add(new ActivationMaximization(model, [0, 2], imageShape: [1, 8, 8], steps: 3).Visualize());
        try
        {
            var baseline = LiveTensors.Baseline();
            for (var i = 0; i < explanations.Count; i++)
            {
                explanations[i].RenderGrid();
                explanations[i].RenderImages();
                explanations[i].SaveTensors(Path.Combine(directory, $"{i}.safetensors"));
            }
            baseline.AssertUnchanged();
        }
        finally
        {
            explanations.ForEach(e => e.Dispose());
        }
    }

    [Fact]
    public void SavingTensorsOutsideAnyDisposeScopeLeavesNoTensorToTheFinalizer()
    {
        using var a = torch.rand([2, 3]);
        using var b = torch.arange(6).reshape(3, 2).t();
        var path = Path.Combine(directory, "tensors.safetensors");
        TensorSafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b });
        var baseline = LiveTensors.Baseline();
        TensorSafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b });
        baseline.AssertUnchanged();
        var loaded = TensorSafeTensors.Load(path);
        Assert.Equal(b.ToLongs(), loaded["b"].ToLongs());
        Assert.Equal(a.ToFloats(), loaded["a"].ToFloats());
        foreach (var tensor in loaded.Values)
        {
            tensor.Dispose();
        }
        baseline.AssertUnchanged();
    }
}
