using TorchSharp.Modules;
using TrainExplain.Explainers;
using TrainExplain.Numerics;

namespace TrainExplain.Tests.UserModels;

/// <summary>Layers of user models are found by their dotted names, and the default layer is the last Conv2d the forward pass runs.</summary>
public sealed class LayerNamingTests
{
    [Fact]
    public void GradCamOfANestedLayerByItsDottedNameEqualsTheComputationByHand()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new BlockNet();
        UserModelZoo.RandomizeBatchNormStatistics(model);
        torch.manual_seed(44);
        var x = torch.rand([3, 1, 8, 8]);
        using var explanation = (Attribution)new GradCam(model, layer: "block1.conv").Explain(x, Targets.Of([0, 1, 2]));

        // By hand: A = block1.conv(x); the rest of the network in eval mode from A; g = dS_c/dA; alpha = mean of g over
        // (h, w); cam = ReLU(sum_k alpha_k A_k). The layer keeps the input's 8x8 size, so upsampling changes nothing.
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        Assert.Equal(["block1", "block2", "pool", "flatten", "head"], model.named_children().Select(c => c.name));
        model.eval();
        using var grad = torch.enable_grad();
        var a = ((Conv2d)modules["block1.conv"]).call(x).detach().requires_grad_();
        var h = ((ReLU)modules["block1.relu"]).call(((BatchNorm2d)modules["block1.bn"]).call(a));
        var logits = ((Linear)modules["head"]).call(((AdaptiveAvgPool2d)modules["pool"]).call(((ConvBlock)modules["block2"]).call(h)).flatten(1));
        var score = logits.gather(1, torch.tensor(new long[] { 0, 1, 2 }).unsqueeze(1)).sum();
        // A backward of one's own takes the guard's remedy where oneDNN's convolution gradients are wrong (AVX-512).
        using var rightGradients = NumericsGuard.WithoutOneDnn();
        var g = torch.autograd.grad([score], [a])[0];
        var cam = (g.mean([2L, 3L], keepdim: true) * a).sum(1).relu().detach();
        model.train();

        AssertClose(cam.ToFloats(), explanation.LayerMap!.ToFloats(), 1e-5);
        AssertClose(cam.ToFloats(), explanation.Raw.ToFloats(), 1e-5);
        Assert.Equal("block1.conv", explanation.Parameters["layer"]);
    }

    [Fact]
    public void TheDefaultLayerIsTheLastConv2dInForwardOrderNotInNamedModulesOrder()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new ForwardOrderNet();
        var listed = model.named_modules().Where(m => m.module is Conv2d).Select(m => m.name).ToList();
        // The trap: named_modules() lists the root's children before its grandchildren.
        Assert.Equal(["refine", "features.conv"], listed);
        torch.manual_seed(45);
        var x = torch.rand([2, 1, 8, 8]);
        using var byDefault = (Attribution)new GradCam(model).Explain(x, Targets.Predicted);
        using var refine = (Attribution)new GradCam(model, layer: "refine").Explain(x, Targets.Predicted);
        using var first = (Attribution)new GradCam(model, layer: "features.conv").Explain(x, Targets.Predicted);
        Assert.Equal([2L, 6, 6], byDefault.LayerMap!.shape);
        Assert.Equal([2L, 8, 8], first.LayerMap!.shape);
        Assert.Equal(refine.LayerMap!.ToFloats(), byDefault.LayerMap.ToFloats());
        Assert.Equal("refine (last Conv2d)", byDefault.Parameters["layer"]);
        using var activations = new LayerActivations(model).Explain(x, Targets.Predicted);
        Assert.Equal([2L, 8, 6, 6], activations.Raw.shape);
    }

    /// <summary>
    /// Issue 24: a wrapper describes the method it wraps with its own call, and layer activations find their layer in
    /// their own pass; both name the layer found by default (not "last Conv2d" alone), and the activations, which no
    /// target or score changes, name neither.
    /// </summary>
    [Fact]
    public void WrappersAndActivationsNameTheDefaultLayerTheyFoundAndActivationsNoTarget()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new ForwardOrderNet();
        torch.manual_seed(46);
        var x = torch.rand([2, 1, 8, 8]);
        using var tunnel = new NoiseTunnel(new GradCam(model), samples: 2).Explain(x, Targets.Predicted);
        Assert.Equal("refine (last Conv2d)", tunnel.Parameters["layer"]);
        Assert.Contains("layer: refine (last Conv2d)", tunnel.Caption, StringComparison.Ordinal);
        using var activations = new LayerActivations(model).Explain(x, Targets.Labels(torch.tensor(new long[] { 0, 1 })));
        Assert.Equal("refine (last Conv2d)", activations.Parameters["layer"]);
        Assert.Equal(["internal_batch_size", "layer"], activations.Parameters.Keys.Order());
        Assert.DoesNotContain("score", activations.Caption, StringComparison.Ordinal);
        Assert.DoesNotContain("labels", activations.Caption, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownNameListsTheModelsDottedNames()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new BlockNet();
        var x = torch.rand([1, 1, 8, 8]);
        var error = Assert.Throws<ArgumentException>(() => new GradCam(model, layer: "block3.conv").Explain(x, Targets.Predicted));
        Assert.Contains("'block3.conv'", error.Message);
        Assert.Contains("block1.conv (Conv2d)", error.Message);
        Assert.Contains("block2.bn (BatchNorm2d)", error.Message);
    }

    private static void AssertClose(float[] expected, float[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        var tolerance = relative * Math.Max(1e-6, expected.Max(Math.Abs));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: {actual[i]} vs {expected[i]} (tolerance {tolerance})");
        }
    }
}
