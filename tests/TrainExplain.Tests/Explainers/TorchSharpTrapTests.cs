using System.Runtime.InteropServices;
using TorchSharp.Modules;
using TrainExplain.Callbacks;
using TrainExplain.Explainers;
using TrainExplain.Tests.Support;
using TrainExplain.Tests.Training;
using TrainExplain.Tests.UserModels;

namespace TrainExplain.Tests.Explainers;

/// <summary>The TorchSharp behaviours that the explainers depend on, each checked where the project meets it.</summary>
public sealed class TorchSharpTrapTests
{
    [Fact]
    public void ALayerRunWithForwardInsteadOfCallGetsAClearErrorNotACrashAndLeavesNothingBehind()
    {
        // TorchSharp runs forward hooks only for modules called through .call().
        torch.manual_seed(50);
        using var model = new ForwardCallingNet();
        using var x = torch.rand([2, 1, 8, 8]);
        new VanillaGradients(model).Explain(x, Targets.Predicted).Dispose();
        var baseline = LiveTensors.Baseline();
        model.train();

        var named = Assert.Throws<InvalidOperationException>(() => new GradCam(model, layer: "conv").Explain(x, Targets.Predicted));
        Assert.Contains(".call()", named.Message);
        Assert.Contains(".call()", Assert.Throws<InvalidOperationException>(() => new GradCamPlusPlus(model, layer: "conv").Explain(x, Targets.Predicted)).Message);
        Assert.Contains(".call()", Assert.Throws<InvalidOperationException>(() => new LayerActivations(model, layer: "conv").Explain(x, Targets.Predicted)).Message);
        Assert.Contains(".call()", Assert.Throws<InvalidOperationException>(() => new FullGrad(model).Explain(x, Targets.Predicted)).Message);
        var byDefault = Assert.Throws<ArgumentException>(() => new GradCam(model).Explain(x, Targets.Predicted));
        Assert.Contains("No Conv2d layer ran", byDefault.Message);
        var set = Assert.Throws<InvalidOperationException>(() => new ExplainerSet([new VanillaGradients(model), new GradCam(model, layer: "conv")]).Explain(x, Targets.Predicted));
        Assert.Contains(".call()", set.Message);

        // Methods that need no hook still work, and nothing was left attached or alive.
        new VanillaGradients(model).Explain(x, Targets.Predicted).Dispose();
        baseline.AssertUnchanged();
        Assert.True(model.training);
    }

    [Fact]
    public void AModelThatOpensItsOwnDisposeScopeIsExplainedAsTheSameSequentialAgainAndAgainWithoutLeaks()
    {
        // Its forward frees every intermediate output, those the hooks captured included, when it returns.
        using var sequential = (Sequential)UserModelZoo.Create("sequential", seed: 51);
        UserModelZoo.RandomizeBatchNormStatistics(sequential);
        using var ownScope = new OwnScopeNet();
        using (var state = torch.NewDisposeScope())
        {
            ownScope.load_state_dict(sequential.state_dict());
        }
        using var x = torch.rand([3, 1, 8, 8]);
        var reference = ExplainerBehaviourTests.All(sequential);
        var explainers = ExplainerBehaviourTests.All(ownScope);
        for (var i = 0; i < explainers.Length; i++)
        {
            using var expected = reference[i].Explain(x, Targets.Predicted);
            using var actual = explainers[i].Explain(x, Targets.Predicted);
            Assert.Equal(expected.Targets, actual.Targets);
            var (e, a) = (expected.Raw.ToFloats(), actual.Raw.ToFloats());
            var tolerance = 1e-6 * Math.Max(1e-6, e.Max(Math.Abs));
            Assert.All(e.Zip(a), p => Assert.True(Math.Abs(p.First - p.Second) <= tolerance, $"{explainers[i].Name}: {p.Second} vs {p.First}"));
        }

        var baseline = LiveTensors.Baseline();
        for (var round = 0; round < 30; round++)
        {
            foreach (var explainer in explainers)
            {
                explainer.Explain(x, Targets.Predicted).Dispose();
            }
            foreach (var explanation in new ExplainerSet(explainers).Explain(x, Targets.Predicted))
            {
                explanation.Dispose();
            }
        }
        baseline.AssertUnchanged();
    }

    [Fact]
    public void OcclusionCoverageCountsPastTheRangeOfAByte()
    {
        // x.sum(0) binds to TorchSharp's dtype overload and sums as Byte. A 16x16 window at stride 1 covers the middle
        // pixels of a 40x40 image 256 times, a count a Byte holds as 0; the mean drop must still be exact.
        const int side = 40, patch = 16;
        var weight = ExplainerModels.Random(2 * side * side, seed: 52);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.Linear(weight, [0.25f, -0.25f], 2);
        torch.manual_seed(52);
        var x = torch.rand([1, 1, side, side]);
        const double fill = 0.5;
        using var explanation = new OcclusionSensitivity(model, patch: patch, stride: 1, fill: fill, score: ScoreKind.Logit).Explain(x, Targets.Class(1));
        var (inputs, raw) = (x.ToFloats(), explanation.Raw.ToFloats());
        var corners = side - patch + 1;
        var sums = new double[side * side];
        var counts = new int[side * side];
        for (var top = 0; top < corners; top++)
        {
            for (var left = 0; left < corners; left++)
            {
                var window = Enumerable.Range(top, patch).SelectMany(r => Enumerable.Range(left, patch).Select(c => (r * side) + c)).ToList();
                var drop = window.Sum(p => weight[(side * side) + p] * (inputs[p] - fill));
                window.ForEach(p => (sums[p], counts[p]) = (sums[p] + drop, counts[p] + 1));
            }
        }
        Assert.Equal(256, counts.Max());
        for (var p = 0; p < side * side; p++)
        {
            var expected = sums[p] / counts[p];
            Assert.True(Math.Abs(expected - raw[p]) <= 1e-4, $"pixel {p} (covered {counts[p]} times): {raw[p]} vs {expected}");
        }
        Assert.Equal(corners * corners, explanation.Passes);
    }

    [Fact]
    public void ACapturedLayerThatDoesNotInfluenceTheScoreHasZeroGradientsAndLeavesNoInvalidTensorBehind()
    {
        // autograd.grad(allow_unused) returns, for such a layer, a tensor without a native handle, which no Dispose
        // ever takes off TorchSharp's live count.
        torch.manual_seed(53);
        using var model = new AuxiliaryBranchNet();
        using var x = torch.rand([2, 1, 8, 8]);
        using (var cam = (Attribution)new GradCam(model, layer: "aux").Explain(x, Targets.Predicted))
        {
            Assert.Equal([2L, 8, 8], cam.LayerMap!.shape);
            Assert.All(cam.LayerMap.ToFloats(), v => Assert.Equal(0f, v));
            Assert.All(cam.Heatmaps.ToFloats(), v => Assert.Equal(0f, v));
        }
        // FullGrad takes the biased aux convolution too: its term is zero, so its bias cannot matter.
        var fullGrad = new FullGrad(model);
        float[] before;
        using (var explanation = fullGrad.Explain(x, Targets.Predicted))
        {
            before = explanation.Raw.ToFloats();
        }
        var aux = (Conv2d)model.named_modules().Single(m => m.name == "aux").module;
        using (torch.no_grad())
        {
            aux.bias!.fill_(5.0);
        }
        using (var explanation = fullGrad.Explain(x, Targets.Predicted))
        {
            Assert.Equal(before, explanation.Raw.ToFloats());
        }

        var baseline = LiveTensors.Baseline();
        IExplainer[] explainers = [new GradCam(model, layer: "aux"), fullGrad, new GradCamPlusPlus(model, layer: "aux")];
        for (var call = 0; call < 20; call++)
        {
            foreach (var explainer in explainers)
            {
                explainer.Explain(x, Targets.Predicted).Dispose();
            }
            foreach (var explanation in new ExplainerSet(explainers).Explain(x, Targets.Predicted))
            {
                explanation.Dispose();
            }
        }
        baseline.AssertUnchanged();
    }

    [Theory]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(13)]
    public void CamsAreUpsampledBilinearlyWithoutAlignedCorners(int side)
    {
        // TorchSharp's interpolate defaults to nearest. PyTorch's F.interpolate(mode='bilinear', align_corners=False)
        // reads output pixel i at source position max(0, (i + 0.5) h / H - 0.5), between its two nearest rows.
        torch.manual_seed(54);
        using var scope = torch.NewDisposeScope();
        using var model = nn.Sequential(("conv", nn.Conv2d(1, 3, 3, stride: 2)), ("relu", nn.ReLU()), ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()), ("fc", nn.Linear(3, 2)));
        var x = torch.rand([2, 1, side, side]);
        using var explanation = (Attribution)new GradCam(model).Explain(x, Targets.Class(1));
        var map = explanation.LayerMap!;
        var (h, w) = ((int)map.size(1), (int)map.size(2));
        Assert.True(h < side && side % h != 0, $"a {h}x{w} map for a {side}x{side} image tests no fractional positions");
        var cam = map.ToDoubles();
        var raw = explanation.Raw.ToFloats();
        var tolerance = 1e-5 * Math.Max(1e-6, cam.Max(Math.Abs));
        for (var n = 0; n < 2; n++)
        {
            for (var i = 0; i < side; i++)
            {
                var (i0, i1, di) = Source(i, h, side);
                for (var j = 0; j < side; j++)
                {
                    var (j0, j1, dj) = Source(j, w, side);
                    double At(int r, int c) => cam[(n * h * w) + (r * w) + c];
                    var expected = ((1 - di) * (((1 - dj) * At(i0, j0)) + (dj * At(i0, j1)))) + (di * (((1 - dj) * At(i1, j0)) + (dj * At(i1, j1))));
                    var actual = raw[(n * side * side) + (i * side) + j];
                    Assert.True(Math.Abs(expected - actual) <= tolerance, $"image {n} pixel ({i}, {j}): {actual} vs {expected}");
                }
            }
        }
    }

    /// <summary>The source rows (or columns) and weight of output position <paramref name="i"/> in PyTorch's bilinear resize from <paramref name="input"/> to <paramref name="output"/>.</summary>
    private static (int Low, int High, double Weight) Source(int i, int input, int output)
    {
        var position = Math.Max(0, ((i + 0.5) * input / output) - 0.5);
        var low = (int)Math.Floor(position);
        return (low, Math.Min(low + 1, input - 1), position - low);
    }

    [Fact]
    public void TheCallbacksDeviceCopyIsReusedForTheSameDeviceThoughDevicesHaveNoValueEquality()
    {
        // Each context reads its device from the model's parameters: two Device objects for the CPU, different objects.
        // Compared by reference, the callback would copy its validation batch again every epoch, from a tensor the
        // caller may have freed since.
        using var model = UserModelZoo.Create("sequential", seed: 55);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        var images = torch.rand([2, 1, 8, 8]);
        using var callback = new ExplainerCallback(new GradCam(model), images, Targets.Predicted);
        var first = TrainingFixtures.ContextAt(model, optimizer, 1);
        var second = TrainingFixtures.ContextAt(model, optimizer, 2);
        Assert.NotSame(first.Device, second.Device);
        callback.OnEpochEnd(first);
        images.Dispose();
        callback.OnEpochEnd(second);
        Assert.Single(callback.LastElapsed);
    }

    [Fact]
    public void AWrongChannelCountIsRefusedWithTheInputShapeAndLeavesNothingBehind()
    {
        // TorchSharp's Conv2d refuses it itself, with an ArgumentException that does not say what it got.
        using var model = UserModelZoo.Create("sequential", seed: 56);
        using var good = torch.rand([2, 1, 8, 8]);
        using var wrong = torch.rand([2, 3, 8, 8]);
        var error = ModelErrorsLeaveNothingBehind<ArgumentException>(model, "conv2", good, wrong);
        Assert.Contains("1 channels", error.Message);
    }

    [Fact]
    public void ALibtorchErrorArrivesAsAnExternalExceptionWithTheInputShapeAndLeavesNothingBehind()
    {
        // A 7x7 image reaches the 8x8 model's linear layer with 150 features instead of 216: libtorch's own error.
        using var model = ExplainerModels.NestedConvNet();
        using var good = torch.rand([2, 1, 8, 8]);
        using var wrong = torch.rand([2, 1, 7, 7]);
        var error = ModelErrorsLeaveNothingBehind<ExternalException>(model, "features.conv2", good, wrong);
        Assert.Contains("mat1 and mat2 shapes cannot be multiplied", error.Message);
    }

    /// <summary>
    /// Every input-explaining method, alone and in a set, fails on <paramref name="wrong"/> with <typeparamref name="T"/>
    /// naming its shape, restores the model's mode, removes its hooks and frees every tensor; returns the last error.
    /// </summary>
    private static T ModelErrorsLeaveNothingBehind<T>(nn.Module<Tensor, Tensor> model, string layer, Tensor good, Tensor wrong) where T : Exception
    {
        IExplainer[] explainers = [new VanillaGradients(model), new GradCam(model, layer: layer), new GradCam(model), new IntegratedGradients(model, steps: 3),
            new SmoothGrad(model, samples: 2), new OcclusionSensitivity(model, patch: 4), new FullGrad(model), new LayerActivations(model)];
        foreach (var explainer in explainers)
        {
            explainer.Explain(good, Targets.Predicted).Dispose();
        }
        var baseline = LiveTensors.Baseline();
        model.train();
        T? error = null;
        foreach (var explainer in explainers)
        {
            error = Assert.Throws<T>(() => explainer.Explain(wrong, Targets.Predicted));
            Assert.StartsWith($"{explainer.Name} failed on inputs of shape {ShapeOf(wrong)}: ", error.Message);
        }
        var fromSet = Assert.Throws<T>(() => new ExplainerSet(explainers).Explain(wrong, Targets.Predicted));
        Assert.Contains($"failed on inputs of shape {ShapeOf(wrong)}: ", fromSet.Message);
        foreach (var explainer in explainers)
        {
            explainer.Explain(good, Targets.Predicted).Dispose();
        }
        baseline.AssertUnchanged();
        Assert.True(model.training);
        return error!;
    }

    private static string ShapeOf(Tensor tensor) => $"[{string.Join(", ", tensor.shape)}]";
}
