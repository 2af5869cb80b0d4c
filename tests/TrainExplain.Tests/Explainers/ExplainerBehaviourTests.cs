using TorchSharp.Modules;
using TrainExplain.Data.SafeTensors;
using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Explainers;

/// <summary>What every explainer promises besides its formula: chunking, seeds, layers, errors, memory, state.</summary>
public sealed class ExplainerBehaviourTests
{
    internal static IExplainer[] All(nn.Module<Tensor, Tensor> model, int internalBatchSize = 256) =>
    [
        new VanillaGradients(model, internalBatchSize: internalBatchSize),
        new GradientsInputs(model, internalBatchSize: internalBatchSize),
        new SmoothGrad(model, samples: 4, internalBatchSize: internalBatchSize),
        new SmoothGradSquared(model, samples: 4, internalBatchSize: internalBatchSize),
        new VarGrad(model, samples: 4, internalBatchSize: internalBatchSize),
        new IntegratedGradients(model, steps: 6, internalBatchSize: internalBatchSize),
        new GradCam(model, internalBatchSize: internalBatchSize),
        new GradCamPlusPlus(model, internalBatchSize: internalBatchSize),
        new LayerCam(model, internalBatchSize: internalBatchSize),
        new ScoreCam(model, internalBatchSize: internalBatchSize),
        new ScoreCam(model, maxChannels: 2, internalBatchSize: internalBatchSize) { Name = "ScoreCamTop2" },
        new NoiseTunnel(new IntegratedGradients(model, steps: 3, internalBatchSize: internalBatchSize), samples: 3),
        new OcclusionSensitivity(model, patch: 3, stride: 2, internalBatchSize: internalBatchSize),
        new FullGrad(model, internalBatchSize: internalBatchSize),
        new LayerActivations(model, internalBatchSize: internalBatchSize),
        new GuidedBackprop(model, internalBatchSize: internalBatchSize),
        new GuidedGradCam(model, internalBatchSize: internalBatchSize),
        new DeepLift(model, internalBatchSize: internalBatchSize),
    ];

    [Fact]
    public void ResultsDoNotDependOnTheInternalBatchSize()
    {
        torch.manual_seed(21);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([5, 1, 8, 8]);
        var small = All(model, internalBatchSize: 3);
        var large = All(model);
        for (var i = 0; i < small.Length; i++)
        {
            using var a = small[i].Explain(x, Targets.Predicted);
            using var b = large[i].Explain(x, Targets.Predicted);
            var (left, right) = (a.Raw.ToFloats(), b.Raw.ToFloats());
            var scale = Math.Max(1e-6, right.Max(Math.Abs));
            for (var j = 0; j < left.Length; j++)
            {
                Assert.True(Math.Abs(left[j] - right[j]) <= 1e-5 * scale, $"{small[i].Name}: element {j} differs: {left[j]} vs {right[j]}");
            }
            Assert.Equal(b.Targets, a.Targets);
        }
    }

    [Fact]
    public void SameSeedSameResultOtherSeedOtherResult()
    {
        torch.manual_seed(22);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([2, 1, 8, 8]);
        using var first = new SmoothGrad(model, samples: 3, seed: 4).Explain(x, Targets.Class(1));
        using var again = new SmoothGrad(model, samples: 3, seed: 4).Explain(x, Targets.Class(1));
        using var other = new SmoothGrad(model, samples: 3, seed: 5).Explain(x, Targets.Class(1));
        Assert.Equal(first.Raw.ToFloats(), again.Raw.ToFloats());
        Assert.NotEqual(first.Raw.ToFloats(), other.Raw.ToFloats());
    }

    [Fact]
    public void LayersAreNamedByDottedPathsAndUnknownNamesListTheLayers()
    {
        torch.manual_seed(23);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([2, 1, 8, 8]);
        using var first = (Attribution)new GradCam(model, layer: "features.conv1").Explain(x, Targets.Predicted);
        using var last = (Attribution)new GradCam(model).Explain(x, Targets.Predicted);
        using var named = (Attribution)new GradCam(model, layer: "features.conv2").Explain(x, Targets.Predicted);
        Assert.Equal([2L, 8, 8], first.LayerMap!.shape);
        Assert.Equal([2L, 6, 6], last.LayerMap!.shape);
        Assert.Equal(named.LayerMap!.ToFloats(), last.LayerMap!.ToFloats());
        var e = Assert.Throws<ArgumentException>(() => new GradCam(model, layer: "features.conv9").Explain(x, Targets.Predicted));
        Assert.Contains("features.conv9", e.Message);
        Assert.Contains("features.conv1 (Conv2d)", e.Message);
    }

    [Fact]
    public void BadInputsGetClearErrors()
    {
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var explainer = new VanillaGradients(model);
        var good = torch.rand([2, 1, 8, 8]);
        Assert.Contains("[N, C, H, W]", Assert.Throws<ArgumentException>(() => explainer.Explain(torch.rand([1, 8, 8]), Targets.Predicted)).Message);
        Assert.Contains("float32 or float64", Assert.Throws<ArgumentException>(() => explainer.Explain(torch.zeros([2, 1, 8, 8], ScalarType.Int64), Targets.Predicted)).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => explainer.Explain(torch.rand([0, 1, 8, 8]), Targets.Predicted)).Message);
        var withNan = good.clone();
        withNan[0][0][3].fill_(double.NaN);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => explainer.Explain(withNan, Targets.Predicted)).Message);
        Assert.Contains("out of range", Assert.Throws<ArgumentException>(() => explainer.Explain(good, Targets.Class(3))).Message);
        Assert.Contains("out of range", Assert.Throws<ArgumentException>(() => explainer.Explain(good, Targets.Of([0, 7]))).Message);
        Assert.Contains("3 classes but 2 images", Assert.Throws<ArgumentException>(() => explainer.Explain(good, Targets.Of([0, 1, 2]))).Message);
        Assert.Throws<ArgumentException>(() => Targets.Labels(torch.zeros([2], ScalarType.Float32)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VanillaGradients(model, internalBatchSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IntegratedGradients(model, steps: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SmoothGrad(model, samples: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OcclusionSensitivity(model, patch: 0));
        Assert.Throws<ArgumentNullException>(() => explainer.Explain(null!, Targets.Predicted));
        Assert.Throws<ArgumentNullException>(() => explainer.Explain(good, null!));
    }

    [Fact]
    public void HooksAreRemovedWhenTheModelThrows()
    {
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var conv = (Conv2d)model.named_modules().First(m => m.name == "features.conv2").module;
        var calls = 0;
        var probe = conv.register_forward_hook((_, _, output) =>
        {
            calls++;
            return calls == 2 ? throw new InvalidOperationException("model failure") : output;
        });
        try
        {
            var x = torch.rand([2, 1, 8, 8]);
            Assert.Throws<InvalidOperationException>(() => new GradCam(model).Explain(x, Targets.Predicted));
            // The probe ran for the layer search (1) and failed in the gradient pass (2); now it is the only hook left on conv2.
            calls = 100;
            using (torch.no_grad())
            {
                model.call(x);
            }
            Assert.Equal(101, calls);
        }
        finally
        {
            probe.remove();
        }
    }

    [Fact]
    public void RepeatedCallsLeakNothingAndLeaveModeAndGradientsAlone()
    {
        torch.manual_seed(24);
        using var model = ExplainerModels.NestedConvNet();
        using var x = torch.rand([3, 1, 8, 8]);
        model.train();
        var explainers = All(model);
        var visualizer = new ActivationMaximization(model, [0, 2], imageShape: [1, 8, 8], steps: 3);
        foreach (var explainer in explainers)
        {
            explainer.Explain(x, Targets.Predicted).Dispose();
        }
        visualizer.Visualize().Dispose();
        var baseline = LiveTensors.Baseline();
        for (var call = 0; call < 100; call++)
        {
            foreach (var explainer in explainers)
            {
                explainer.Explain(x, Targets.Predicted).Dispose();
            }
            visualizer.Visualize().Dispose();
        }
        baseline.AssertUnchanged();
        Assert.True(model.training);
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
        Assert.False(x.requires_grad);
    }

    [Fact]
    public void ExplanationsRenderAndSave()
    {
        torch.manual_seed(25);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([3, 1, 8, 8]);
        using var explanation = (Attribution)new IntegratedGradients(model, steps: 4) { ComputeDelta = true }.Explain(x, Targets.Predicted);
        var grid = explanation.RenderGrid(new RenderOptions(Upscale: 2, Columns: 2, Padding: 1));
        Assert.Equal((1 + ((16 + 1) * 2), 1 + ((16 + 1) * 2), 3), (grid.Width, grid.Height, grid.Channels));
        var directory = Directory.CreateTempSubdirectory("explain").FullName;
        try
        {
            explanation.SaveGrid(Path.Combine(directory, "ig.png"), new RenderOptions(Upscale: 2, Columns: 2, Padding: 1));
            Assert.Equal(grid, ImageFile.Load(Path.Combine(directory, "ig.png")));
            explanation.SaveTensors(Path.Combine(directory, "ig.safetensors"));
            var saved = TensorSafeTensors.Load(Path.Combine(directory, "ig.safetensors"));
            Assert.Equal(explanation.Raw.ToFloats(), saved["attributions"].ToFloats());
            Assert.Equal(explanation.Heatmaps.ToFloats(), saved["heatmaps"].ToFloats());
            Assert.Equal(explanation.Targets, saved["targets"].ToLongs());
            Assert.Equal(explanation.Delta!.ToFloats(), saved["delta"].ToFloats());
            Assert.Equal(x.ToFloats(), saved["inputs"].ToFloats());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
        Assert.All(explanation.Heatmaps.ToFloats(), v => Assert.InRange(v, 0f, 1f));
        Assert.Equal("4", explanation.Parameters["steps"]);
    }
}
