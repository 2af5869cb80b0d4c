using TrainExplain.Explainers;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Explainers;

/// <summary>Sharing one gradient pass among the one-pass methods changes their cost, never their results.</summary>
public sealed class ExplainerSetTests
{
    private static IExplainer[] Methods(nn.Module<Tensor, Tensor> model) =>
    [
        new VanillaGradients(model),
        new GradCam(model, layer: "features.conv2"),
        new OcclusionSensitivity(model, patch: 3, stride: 2),
        new GradientsInputs(model),
        new GradCamPlusPlus(model, layer: "features.conv1"),
        new FullGrad(model),
        new VanillaGradients(model, ScoreKind.Probability) { Name = "VanillaGradients[probability]" },
    ];

    [Fact]
    public void SharedResultsEqualSeparateCalls()
    {
        torch.manual_seed(31);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([5, 1, 8, 8]);
        var methods = Methods(model);
        var shared = new ExplainerSet(methods).Explain(x, Targets.Predicted);
        for (var i = 0; i < methods.Length; i++)
        {
            using var alone = methods[i].Explain(x, Targets.Predicted);
            using var together = shared[i];
            Assert.Equal(alone.Method, together.Method);
            Assert.Equal(alone.Targets, together.Targets);
            Assert.Equal(alone.Raw.ToFloats(), together.Raw.ToFloats());
            Assert.Equal(alone.Scores, together.Scores);
        }
    }

    [Fact]
    public void OnePassMethodsOfOneModelAndScoreShareASingleGradientPass()
    {
        // Gradient passes are the forward calls on an input that requires grad; occlusion's and the probes that find
        // Grad-CAM's default layer run without. Alone, the five logit methods would take five passes.
        torch.manual_seed(32);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([6, 1, 8, 8]);
        var gradientPasses = 0;
        var hook = model.register_forward_hook((_, input, output) =>
        {
            gradientPasses += input.requires_grad ? 1 : 0;
            return output;
        });
        var explanations = new ExplainerSet(Methods(model)).Explain(x, Targets.Labels(torch.tensor(new long[] { 0, 1, 2, 0, 1, 2 }))).ToList();
        hook.remove();
        // One pass shared by the five logit methods, one for the probability-score method alone.
        Assert.Equal(2, gradientPasses);
        Assert.Equal("shared by 5 methods", explanations[0].Parameters["gradient_pass"]);
        Assert.False(explanations[2].Parameters.ContainsKey("gradient_pass"));
        Assert.False(explanations[6].Parameters.ContainsKey("gradient_pass"));
        explanations.ForEach(e => e.Dispose());
    }

    [Fact]
    public void RepeatedSetsLeaveNoTensorsBehindAndKeepTheModelsMode()
    {
        torch.manual_seed(33);
        using var model = ExplainerModels.NestedConvNet();
        using var x = torch.rand([4, 1, 8, 8]);
        var set = new ExplainerSet(Methods(model));
        model.train();
        foreach (var e in set.Explain(x, Targets.Predicted))
        {
            e.Dispose();
        }
        var baseline = LiveTensors.Baseline();
        for (var i = 0; i < 10; i++)
        {
            foreach (var e in set.Explain(x, Targets.Predicted))
            {
                e.Dispose();
            }
        }
        baseline.AssertUnchanged();
        Assert.True(model.training);
    }

    [Fact]
    public void ATrainingModelsRandomStreamAndBatchStatisticsAreLeftAlone()
    {
        // Training must go on as if nothing was explained: no dropout mask drawn, no running statistic updated.
        using var scope = torch.NewDisposeScope();
        using var model = nn.Sequential(("conv", nn.Conv2d(1, 3, 3)), ("norm", nn.BatchNorm2d(3)),
            ("dropout", nn.Dropout(0.5)), ("flatten", nn.Flatten()), ("fc", nn.Linear(3 * 6 * 6, 2)));
        var x = torch.rand([4, 1, 8, 8]);
        var runningMean = model.state_dict()["norm.running_mean"].clone();
        model.train();
        torch.manual_seed(34);
        var expected = torch.rand([8]).ToFloats();
        torch.manual_seed(34);
        foreach (var e in new ExplainerSet([new GradCam(model), new FullGrad(model), new VanillaGradients(model)]).Explain(x, Targets.Predicted))
        {
            e.Dispose();
        }
        Assert.Equal(expected, torch.rand([8]).ToFloats());
        Assert.Equal(runningMean.ToFloats(), model.state_dict()["norm.running_mean"].ToFloats());
        Assert.True(model.training);
    }

    [Fact]
    public void BadInputsAreRefusedAsByEachMethodAndLeaveNothingBehind()
    {
        using var model = ExplainerModels.NestedConvNet();
        var set = new ExplainerSet(Methods(model));
        var baseline = LiveTensors.Baseline();
        using (var flat = torch.rand([4, 64]))
        {
            var error = Assert.Throws<ArgumentException>(() => set.Explain(flat, Targets.Predicted));
            Assert.Contains("[N, C, H, W]", error.Message);
        }
        using (var x = torch.rand([4, 1, 8, 8]))
        {
            Assert.Throws<ArgumentException>(() => set.Explain(x, Targets.Class(7)));
        }
        baseline.AssertUnchanged();
        Assert.Throws<ArgumentException>(() => new ExplainerSet([]));
    }
}
