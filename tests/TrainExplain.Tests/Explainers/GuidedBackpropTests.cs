using TorchSharp.Modules;
using TrainExplain.Explainers;

namespace TrainExplain.Tests.Explainers;

/// <summary>Guided backpropagation and Guided Grad-CAM: values by hand, the rule's removal, the unreachable-ReLU warning.</summary>
[Collection(LibraryWarningsTests.Collection)]
public sealed class GuidedBackpropTests
{
    /// <summary>
    /// x [N, 1, 1, 2] -> h = W1 x + b1 (2 units) -> ReLU -> S = w2 . relu(h) + b2 with W1 = [[1, -1], [2, 1]],
    /// b1 = [0, -1], w2 = [1, -2], b2 = 0.5: small enough to follow every multiplier by hand.
    /// </summary>
    internal static Sequential TwoUnitNet()
    {
        var model = nn.Sequential(("flatten", nn.Flatten()), ("hidden", nn.Linear(2, 2)), ("relu", nn.ReLU()), ("out", nn.Linear(2, 1)));
        using var scope = torch.NewDisposeScope();
        model.load_state_dict(new Dictionary<string, Tensor>
        {
            ["hidden.weight"] = torch.tensor(new float[] { 1, -1, 2, 1 }, [2, 2]),
            ["hidden.bias"] = torch.tensor(new float[] { 0, -1 }),
            ["out.weight"] = torch.tensor(new float[] { 1, -2 }, [1, 2]),
            ["out.bias"] = torch.tensor(new float[] { 0.5f }),
        });
        return model;
    }

    /// <summary>
    /// x = (2, 1): h = (1, 4), both units on; the gradient reaching the ReLU outputs is w2 = (1, -2), guided keeps
    /// (1, 0), so raw = W1^T (1, 0) = (1, -1), where the plain gradient is W1^T (1, -2) = (-3, -3).
    /// x = (0.5, 1.5): h = (-1, 1.5), unit 1 off; guided keeps (1, 0) masked to (0, 0): raw = (0, 0) (plain: (-4, -2)).
    /// </summary>
    [Fact]
    public void GuidedGradientsMatchTheRuleWorkedByHand()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TwoUnitNet();
        var x = torch.tensor(new float[] { 2, 1, 0.5f, 1.5f }, [2, 1, 1, 2]);
        using var guided = new GuidedBackprop(model).Explain(x, Targets.Class(0));
        using var plain = new VanillaGradients(model).Explain(x, Targets.Class(0));
        Assert.Equal([1f, -1, 0, 0], guided.Raw.ToFloats());
        Assert.Equal([-3f, -3, -4, -2], plain.Raw.ToFloats());
        Assert.Equal([-6.5f, -2.5f], guided.Scores);
    }

    /// <summary>Guided Grad-CAM is guided backpropagation times the upsampled Grad-CAM map, on every channel.</summary>
    [Fact]
    public void GuidedGradCamIsTheGuidedMapTimesTheGradCamMap()
    {
        torch.manual_seed(41);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([3, 1, 8, 8]);
        using var product = (Attribution)new GuidedGradCam(model, layer: "features.conv1").Explain(x, Targets.Predicted);
        using var guided = new GuidedBackprop(model).Explain(x, Targets.Predicted);
        using var cam = new GradCam(model, layer: "features.conv1").Explain(x, Targets.Predicted);
        var expected = (guided.Raw * cam.Raw).ToFloats();
        var actual = product.Raw.ToFloats();
        var tolerance = 1e-6 * Math.Max(1e-6, expected.Max(Math.Abs));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: {actual[i]}, expected {expected[i]}");
        }
        Assert.Equal(2, product.Info.Passes);
        Assert.Equal("features.conv1", product.Info.Parameters["layer"]);
        Assert.Contains("features.conv9", Assert.Throws<ArgumentException>(() => new GuidedGradCam(model, layer: "features.conv9").Explain(x, Targets.Predicted)).Message);
    }

    /// <summary>The rule is gone after a call, also after one that throws: the model's gradients are plain again.</summary>
    [Fact]
    public void TheRuleIsRemovedAfterTheCallEvenWhenItThrows()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TwoUnitNet();
        var x = torch.tensor(new float[] { 2, 1, 0.5f, 1.5f }, [2, 1, 1, 2]);
        var failing = Targets.Output(_ => throw new InvalidOperationException("score failure"), "failing score");
        Assert.Throws<InvalidOperationException>(() => new GuidedBackprop(model).Explain(x, failing));
        Assert.Throws<InvalidOperationException>(() => new DeepLift(model).Explain(x, failing));
        using var plain = new VanillaGradients(model).Explain(x, Targets.Class(0));
        Assert.Equal([-3f, -3, -4, -2], plain.Raw.ToFloats());
        var relu = (ReLU)model.named_modules().First(m => m.name == "relu").module;
        relu.inplace = true;
        using var guided = new GuidedBackprop(model).Explain(x, Targets.Class(0));
        Assert.Equal([1f, -1, 0, 0], guided.Raw.ToFloats());
        Assert.True(relu.inplace);
    }

    /// <summary>A model with no ReLU module (a smooth net here, as a functional relu would be) gets one warning per explainer, naming the method.</summary>
    [Fact]
    public void AModelWithoutReluModulesIsWarnedAboutOnce()
    {
        torch.manual_seed(42);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.SmoothConvNet();
        var x = torch.rand([2, 1, 8, 8]);
        using var warnings = new StringWriter();
        try
        {
            LibraryWarnings.Output = warnings;
            var explainer = new GuidedBackprop(model);
            explainer.Explain(x, Targets.Predicted).Dispose();
            explainer.Explain(x, Targets.Predicted).Dispose();
            new DeepLift(model).Explain(x, Targets.Predicted).Dispose();
        }
        finally
        {
            LibraryWarnings.Output = null;
        }
        var lines = warnings.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("TrainExplain: GuidedBackprop: no nn.ReLU module ran", lines[0]);
        Assert.Contains("functional relu", lines[0]);
        Assert.StartsWith("TrainExplain: DeepLift: no nn.ReLU or nn.MaxPool2d module ran", lines[1]);
    }
}
