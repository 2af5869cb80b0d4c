using TrainExplain.Explainers;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Explainers;

/// <summary>Each method against an independent computation on models whose explanations have closed forms.</summary>
public sealed class ClosedFormTests
{
    private const int Classes = 3;
    private const int Pixels = 16;   // [1, 4, 4] images
    private static readonly float[] Weight = ExplainerModels.Random(Classes * Pixels, seed: 1);
    private static readonly float[] Bias = [0.1f, -0.2f, 0.3f];

    private static float[] Row(int c) => Weight.AsSpan(c * Pixels, Pixels).ToArray();

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance})");
        }
    }

    public static TheoryData<string> LinearMethods => ["vanilla", "gradinput", "ig_left", "ig_right", "ig_middle", "ig_trapezoid", "ig_gauss", "smoothgrad"];

    [Theory]
    [MemberData(nameof(LinearMethods))]
    public void LinearModelAttributionsAreWeightsOrWeightsTimesInputs(string method)
    {
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.Linear(Weight, Bias, Classes);
        var x = torch.rand([2, 1, 4, 4]);
        IExplainer explainer = method switch
        {
            "vanilla" => new VanillaGradients(model),
            "gradinput" => new GradientsInputs(model),
            "smoothgrad" => new SmoothGrad(model, samples: 5),
            "ig_left" => new IntegratedGradients(model, steps: 7, rule: IntegrationRule.RiemannLeft),
            "ig_right" => new IntegratedGradients(model, steps: 7, rule: IntegrationRule.RiemannRight),
            "ig_middle" => new IntegratedGradients(model, steps: 7, rule: IntegrationRule.RiemannMiddle),
            "ig_trapezoid" => new IntegratedGradients(model, steps: 7, rule: IntegrationRule.RiemannTrapezoid),
            _ => new IntegratedGradients(model, steps: 7),
        };
        using var explanation = explainer.Explain(x, Targets.Of([2, 0]));
        var raw = explanation.Raw.ToFloats();
        var inputs = x.ToFloats();
        for (var image = 0; image < 2; image++)
        {
            var w = Row(image == 0 ? 2 : 0);
            var timesInput = method is "vanilla" or "smoothgrad" ? w : [.. w.Select((v, i) => v * inputs[(image * Pixels) + i])];
            AssertClose(timesInput, raw.AsSpan(image * Pixels, Pixels), 1e-6);
        }
        Assert.Equal([2L, 0L], explanation.Targets);
    }

    [Fact]
    public void VarGradOfALinearModelIsZero()
    {
        using var model = ExplainerModels.Linear(Weight, Bias, Classes);
        using var x = torch.rand([2, 1, 4, 4]);
        using var explanation = new VarGrad(model, samples: 6).Explain(x, Targets.Class(1));
        Assert.All(explanation.Raw.ToFloats(), v => Assert.True(Math.Abs(v) < 1e-6, $"{v}"));
    }

    [Theory]
    [InlineData(IntegrationRule.RiemannLeft, -1)]
    [InlineData(IntegrationRule.RiemannRight, 1)]
    [InlineData(IntegrationRule.RiemannMiddle, 0)]
    [InlineData(IntegrationRule.RiemannTrapezoid, 0)]
    [InlineData(IntegrationRule.GaussLegendre, 0)]
    public void QuadraticModelIntegralErrorIsWhatTheRuleGives(IntegrationRule rule, int errorSign)
    {
        // S(x) = sum(a x^2); along the path alpha x the integrand is linear in alpha, so the exact attribution is a x^2:
        // left and right Riemann sums are off by exactly -/+ a x^2 / m, the other rules are exact.
        const int steps = 10;
        double[] a = [0.5, -1.5, 2, 3];
        using var scope = torch.NewDisposeScope();
        using var model = new ExplainerModels.Quadratic(a, [1, 1, 2, 2]);
        var x = torch.tensor(new double[] { 0.3, -0.7, 1.1, 0.9 }, [1, 1, 2, 2]);
        using var explanation = new IntegratedGradients(model, steps, rule).Explain(x, Targets.Class(0));
        var raw = explanation.Raw.ToDoubles();
        var inputs = x.ToDoubles();
        for (var i = 0; i < a.Length; i++)
        {
            var exact = a[i] * inputs[i] * inputs[i];
            Assert.Equal(exact * (1 + (errorSign / (double)steps)), raw[i], 6);
        }
    }

    [Fact]
    public void IntegratedGradientsAreCompleteOnASmoothConvNet()
    {
        torch.manual_seed(11);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.SmoothConvNet();
        var x = torch.rand([4, 1, 8, 8]) * 3.0;
        using var explanation = (Attribution)new IntegratedGradients(model, steps: 50) { ComputeDelta = true }.Explain(x, Targets.Predicted);
        var (delta, gaps) = CompletenessErrors(model, x, explanation);
        for (var i = 0; i < delta.Length; i++)
        {
            Assert.True(Math.Abs(delta[i]) <= 0.01 * gaps[i], $"image {i}: |delta| {Math.Abs(delta[i])} > 1% of |S(x) - S(x')| = {gaps[i]}");
        }
    }

    [Fact]
    public void IntegratedGradientsConvergeOnAReluConvNet()
    {
        // Along the path a ReLU network's gradient is piecewise constant, so quadrature converges like 1/m: eight times
        // the steps must cut the largest relative completeness error at least four times.
        torch.manual_seed(11);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([4, 1, 8, 8]) * 3.0;
        double WorstRelativeError(int steps)
        {
            using var explanation = (Attribution)new IntegratedGradients(model, steps) { ComputeDelta = true }.Explain(x, Targets.Predicted);
            var (delta, gaps) = CompletenessErrors(model, x, explanation);
            return delta.Select((d, i) => Math.Abs(d) / gaps[i]).Max();
        }
        var (coarse, fine) = (WorstRelativeError(50), WorstRelativeError(400));
        Assert.True(fine <= coarse / 4, $"relative error {coarse} at 50 steps, {fine} at 400");
        Assert.True(fine < 0.01, $"relative error {fine} at 400 steps");
    }

    /// <summary>delta per image, checked to equal sum(raw) - (S(x) - S(x')), and |S(x) - S(x')| from an independent forward pass.</summary>
    private static (float[] Delta, double[] Gaps) CompletenessErrors(nn.Module<Tensor, Tensor> model, Tensor x, Attribution explanation)
    {
        var delta = explanation.Delta!.ToFloats();
        var baselineScores = ExplainerScores(model, torch.zeros_like(x), explanation.Targets);
        var gaps = new double[delta.Length];
        for (var i = 0; i < delta.Length; i++)
        {
            gaps[i] = Math.Abs(explanation.Scores[i] - baselineScores[i]);
            using var rawSum = explanation.Raw[i].sum();
            Assert.Equal(explanation.Scores[i] - baselineScores[i], rawSum.item<float>() - delta[i], 4);
        }
        return (delta, gaps);
    }

    private static float[] ExplainerScores(nn.Module<Tensor, Tensor> model, Tensor x, long[] targets)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return model.call(x).gather(1, torch.tensor(targets).unsqueeze(1)).squeeze(1).ToFloats();
    }

    [Fact]
    public void GradCamOnAGapLinearModelEqualsCam()
    {
        torch.manual_seed(5);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.GapLinear();
        var x = torch.rand([3, 1, 6, 6]);
        using var explanation = (Attribution)new GradCam(model, layer: "relu").Explain(x, Targets.Of([0, 1, 2]));
        // CAM (Zhou et al. 2016): sum_k w_ck A_k with A the features before pooling; then ReLU and minmax per image.
        var state = model.state_dict();
        var features = nn.functional.conv2d(x, state["conv.weight"], state["conv.bias"], padding: [1L]).relu();
        var classWeights = state["fc.weight"].index_select(0, torch.tensor(new long[] { 0, 1, 2 }));
        var cam = (classWeights.unsqueeze(2).unsqueeze(3) * features).sum(1).relu();
        var flat = cam.flatten(1);
        var min = flat.amin([1], keepdim: true);
        var expected = ((flat - min) / (flat.amax([1], keepdim: true) - min)).ToFloats();
        AssertClose(expected, explanation.Heatmaps.ToFloats(), 1e-5);
        Assert.Equal([3L, 6, 6], explanation.LayerMap!.shape);
    }

    [Fact]
    public void GuidedGradCamWeighsOnlyPositiveGradientsOfActiveUnits()
    {
        torch.manual_seed(6);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.GapLinear();
        var x = torch.rand([2, 1, 6, 6]);
        using var guided = (Attribution)new GradCam(model, layer: "relu", guided: true).Explain(x, Targets.Class(1));
        // On a GAP-linear model g_k = w_1k / (h w) everywhere, so alpha_k = w_1k / (h w) * mean([A_k > 0]) where w_1k > 0, else 0.
        var state = model.state_dict();
        var features = nn.functional.conv2d(x, state["conv.weight"], state["conv.bias"], padding: [1L]).relu();
        var w = state["fc.weight"][1].relu() / 36.0;
        var alpha = w.view(1, 4) * (features > 0).to(ScalarType.Float32).mean([2L, 3L]);
        var cam = (alpha.unsqueeze(2).unsqueeze(3) * features).sum(1).relu();
        AssertClose(cam.ToFloats(), guided.LayerMap!.ToFloats(), 1e-6);
    }

    [Fact]
    public void OcclusionIsNonZeroExactlyWhereWindowsCoverTheReadBlock()
    {
        // The model reads only the 4x4 block at rows and columns 4..7 of a 12x12 image, with positive weights.
        var weight = new float[2 * 144];
        for (var r = 4; r < 8; r++)
        {
            for (var c = 4; c < 8; c++)
            {
                weight[(r * 12) + c] = 0.5f + (r * 0.01f);
            }
        }
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.Linear(weight, [0, 0], 2);
        var x = torch.ones([1, 1, 12, 12]);
        using var explanation = new OcclusionSensitivity(model, patch: 3, stride: 3, score: ScoreKind.Logit).Explain(x, Targets.Class(0));
        var raw = explanation.Raw.ToFloats();
        for (var p = 0; p < 144; p++)
        {
            var (r, c) = (p / 12, p % 12);
            // Windows are the 3x3 tiles at 0, 3, 6, 9: those touching rows/columns 4..7 are the tiles starting at 3 and 6.
            var covered = r is >= 3 and < 9 && c is >= 3 and < 9;
            Assert.True(covered == (raw[p] != 0), $"pixel ({r}, {c}) raw {raw[p]}");
        }
        Assert.Equal(16, explanation.Passes);
    }

    [Fact]
    public void FullGradOfABiasFreeModelIsItsInputTerm()
    {
        torch.manual_seed(8);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet(bias: false);
        var x = torch.rand([3, 1, 8, 8]);
        using var fullGrad = new FullGrad(model).Explain(x, Targets.Predicted);
        using var gradInput = (Attribution)new GradientsInputs(model).Explain(x, Targets.Predicted);
        var inputTerm = gradInput.Raw.abs().sum(1).flatten(1);
        var min = inputTerm.amin([1], keepdim: true);
        var expected = ((inputTerm - min) / (inputTerm.amax([1], keepdim: true) - min)).ToFloats();
        AssertClose(expected, fullGrad.Raw.ToFloats(), 1e-6);
    }

    [Fact]
    public void ActivationMaximizationRaisesEveryScoreAndStaysInRange()
    {
        torch.manual_seed(9);
        using var model = ExplainerModels.NestedConvNet();
        using var explanation = (ClassImages)new ActivationMaximization(model, [0, 1, 2], imageShape: [1, 8, 8], steps: 40, low: 0, high: 1)
            .Visualize();
        for (var c = 0; c < 3; c++)
        {
            Assert.True(explanation.Scores[c] > explanation.ScoresBefore[c], $"class {c}: {explanation.ScoresBefore[c]} -> {explanation.Scores[c]}");
        }
        Assert.All(explanation.Images.ToFloats(), v => Assert.InRange(v, 0f, 1f));
        Assert.Equal([3L, 1, 8, 8], explanation.Images.shape);
        Assert.Equal(40, explanation.Passes);
    }

    [Fact]
    public void GaussLegendreNodesAndWeightsMatchTables()
    {
        var (nodes, weights) = Quadrature.GaussLegendre(3);
        Assert.Equal(-Math.Sqrt(0.6), nodes[0], 14);
        Assert.Equal(0, nodes[1], 14);
        Assert.Equal(5.0 / 9, weights[0], 14);
        Assert.Equal(8.0 / 9, weights[1], 14);
        var (_, fiftyWeights) = Quadrature.GaussLegendre(50);
        Assert.Equal(2, fiftyWeights.Sum(), 12);
        var (points, unitWeights) = Quadrature.For(IntegrationRule.RiemannTrapezoid, 5);
        Assert.Equal([0, 0.25, 0.5, 0.75, 1], points);
        Assert.Equal([0.125, 0.25, 0.25, 0.25, 0.125], unitWeights);
    }
}
