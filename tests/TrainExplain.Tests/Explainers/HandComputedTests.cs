using TorchSharp.Modules;
using TrainExplain.Explainers;

namespace TrainExplain.Tests.Explainers;

/// <summary>Formulas of METHODS.md recomputed by hand, in double precision, from the model's own numbers.</summary>
public sealed class HandComputedTests
{
    /// <summary>xunit makes one instance per test, so every test starts from the same random inputs.</summary>
    public HandComputedTests() => torch.manual_seed(17);

    /// <summary>The 99th percentile with torch.quantile's linear interpolation.</summary>
    private static double Quantile99(double[] values)
    {
        var sorted = values.Order().ToArray();
        var position = 0.99 * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }

    [Fact]
    public void PercentileNormalizationFollowsTheRuleAndItsFallbacks()
    {
        // Vanilla gradients of a linear model are the weight row, so the heatmap is the percentile rule applied to
        // |W[c]|: class 0 has dense weights (q > 0), class 1 one non-zero weight among 144 (q = 0, so the max is
        // used), class 2 none (all zeros).
        const int pixels = 144;
        var weight = new float[3 * pixels];
        ExplainerModels.Random(pixels, seed: 3).CopyTo(weight, 0);
        weight[pixels + 77] = -0.4f;
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.Linear(weight, [0, 0, 0], 3);
        var x = torch.rand([3, 1, 12, 12]);
        using var explanation = (Attribution)new VanillaGradients(model).Explain(x, Targets.Of([0, 1, 2]));
        var heat = explanation.Heatmaps.ToFloats();
        for (var image = 0; image < 3; image++)
        {
            var m = weight.AsSpan(image * pixels, pixels).ToArray().Select(v => (double)Math.Abs(v)).ToArray();
            var q = Quantile99(m);
            var scale = q > 0 ? q : m.Max();
            for (var p = 0; p < pixels; p++)
            {
                var expected = scale > 0 ? Math.Clamp(m[p] / scale, 0, 1) : 0;
                Assert.True(Math.Abs(expected - heat[(image * pixels) + p]) <= 1e-6, $"image {image} pixel {p}: {heat[(image * pixels) + p]} vs {expected}");
            }
        }
        Assert.Equal(1f, heat[pixels + 77]);
        Assert.Equal(1f, heat.AsSpan(pixels, pixels).ToArray().Sum());
    }

    [Fact]
    public void OcclusionDropsAreMeansOfWindowContributions()
    {
        // For a linear model with the logit score, d_w = sum over w of W[c, p] (x_p - fill); each pixel gets the mean
        // d_w of the windows covering it. 7x7 images, window 3, stride 2: corners 0, 2, 4 in each direction.
        const int side = 7;
        var weight = ExplainerModels.Random(2 * side * side, seed: 4);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.Linear(weight, [0.5f, -0.5f], 2);
        var x = torch.rand([2, 1, side, side]);
        const double fill = 0.25;
        using var explanation = new OcclusionSensitivity(model, patch: 3, stride: 2, fill: fill, score: ScoreKind.Logit)
            .Explain(x, Targets.Of([1, 0]));
        var (inputs, raw) = (x.ToFloats(), explanation.Raw.ToFloats());
        int[] corners = [0, 2, 4];
        for (var image = 0; image < 2; image++)
        {
            var row = (int)explanation.Targets[image] * side * side;
            var sums = new double[side * side];
            var counts = new int[side * side];
            foreach (var top in corners)
            {
                foreach (var left in corners)
                {
                    var window = Enumerable.Range(top, 3).SelectMany(r => Enumerable.Range(left, 3).Select(c => (r * side) + c)).ToList();
                    var drop = window.Sum(p => weight[row + p] * (inputs[(image * side * side) + p] - fill));
                    window.ForEach(p => (sums[p], counts[p]) = (sums[p] + drop, counts[p] + 1));
                }
            }
            for (var p = 0; p < side * side; p++)
            {
                var expected = sums[p] / counts[p];
                Assert.True(Math.Abs(expected - raw[(image * side * side) + p]) <= 1e-5, $"image {image} pixel {p}: {raw[(image * side * side) + p]} vs {expected}");
            }
        }
        Assert.Equal(9, explanation.Passes);
    }

    [Fact]
    public void OcclusionDefaultsAreASeventhOfTheSideAndHalfThatStride()
    {
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.Linear(ExplainerModels.Random(2 * 144, seed: 5), [0, 0], 2);
        using var explanation = new OcclusionSensitivity(model).Explain(torch.rand([1, 1, 12, 12]), Targets.Predicted);
        // p = round(12 / 7) = 2, s = 1: corners 0..10 in each direction.
        Assert.Equal(11 * 11, explanation.Passes);
        Assert.Equal("probability", explanation.Parameters["score"]);
        // The parameters and the caption give the numbers used, not the rule.
        Assert.Equal(("2", "1"), (explanation.Parameters["patch"], explanation.Parameters["stride"]));
        Assert.Contains("patch: 2, stride: 1, fill: 0", explanation.Caption);
        using var givenPatch = new OcclusionSensitivity(model, patch: 5).Explain(torch.rand([1, 1, 12, 12]), Targets.Predicted);
        Assert.Equal(("5", "2"), (givenPatch.Parameters["patch"], givenPatch.Parameters["stride"]));
        using var tunnelled = new NoiseTunnel(new OcclusionSensitivity(model), samples: 1).Explain(torch.rand([1, 1, 12, 12]), Targets.Predicted);
        Assert.Equal(("2", "1"), (tunnelled.Parameters["patch"], tunnelled.Parameters["stride"]));
    }

    [Fact]
    public void ProbabilityScoresAreSoftmaxOfTheTargetLogit()
    {
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.Linear(ExplainerModels.Random(3 * 16, seed: 6), [0.1f, 0.2f, 0.3f], 3);
        var x = torch.rand([4, 1, 4, 4]);
        var labels = torch.tensor(new long[] { 2, 0, 1, 2 });
        using var explanation = (Attribution)new VanillaGradients(model, ScoreKind.Probability).Explain(x, Targets.Labels(labels));
        var probabilities = nn.functional.softmax(model.call(x), 1).detach();
        var p = probabilities.ToFloats();
        var w = model.state_dict()["fc.weight"].ToFloats();
        Assert.Equal([2L, 0, 1, 2], explanation.Targets);
        for (var image = 0; image < 4; image++)
        {
            var c = (int)explanation.Targets[image];
            Assert.Equal(p[(image * 3) + c], explanation.Scores[image], 6);
            // d p_c / dx = p_c (W_c - sum_k p_k W_k).
            for (var i = 0; i < 16; i++)
            {
                var mixed = Enumerable.Range(0, 3).Sum(k => p[(image * 3) + k] * w[(k * 16) + i]);
                var expected = p[(image * 3) + c] * (w[(c * 16) + i] - mixed);
                Assert.True(Math.Abs(expected - explanation.Raw.ToFloats()[(image * 16) + i]) <= 1e-6, $"image {image} input {i}");
            }
        }
    }

    /// <summary>conv (1x1, 2 channels) -> square -> flatten -> linear: g = dS_c/dA = 2 A W_c, varying over pixels and channels.</summary>
    private static Sequential SquareHead(float convBias)
    {
        var model = nn.Sequential(("conv", nn.Conv2d(1, 2, 1)), ("square", new Square()), ("flatten", nn.Flatten()),
            ("fc", nn.Linear(2 * 9, 2)));
        using var scope = torch.NewDisposeScope();
        model.load_state_dict(new Dictionary<string, Tensor>
        {
            ["conv.weight"] = torch.tensor(new[] { 0.8f, 1.3f }, [2, 1, 1, 1]),
            ["conv.bias"] = torch.tensor(new[] { convBias, convBias * 0.5f }),
            ["fc.weight"] = torch.tensor(ExplainerModels.Random(2 * 18, seed: 7), [2, 18]),
            ["fc.bias"] = torch.zeros([2]),
        });
        return model;
    }

    /// <summary>A = conv(x) [2, 3, 3] and g = 2 A W_c for image 0 of <paramref name="x"/>, in double precision.</summary>
    private static (double[] A, double[] G) ActivationsAndGradients(nn.Module<Tensor, Tensor> model, Tensor x, int target)
    {
        var state = model.state_dict();
        var (cw, cb, fw) = (state["conv.weight"].ToFloats(), state["conv.bias"].ToFloats(), state["fc.weight"].ToFloats());
        var pixels = x.ToFloats();
        var a = new double[18];
        var g = new double[18];
        for (var k = 0; k < 2; k++)
        {
            for (var p = 0; p < 9; p++)
            {
                a[(k * 9) + p] = (cw[k] * (double)pixels[p]) + cb[k];
                g[(k * 9) + p] = 2 * a[(k * 9) + p] * fw[(target * 18) + (k * 9) + p];
            }
        }
        return (a, g);
    }

    private static double[] Cam(double[] a, double[] alpha) =>
        [.. Enumerable.Range(0, 9).Select(p => Math.Max(0, (alpha[0] * a[p]) + (alpha[1] * a[9 + p])))];

    [Fact]
    public void GradCamPlusPlusMatchesAHandComputation()
    {
        using var scope = torch.NewDisposeScope();
        using var model = SquareHead(convBias: 0.2f);
        var x = torch.rand([1, 1, 3, 3]);
        using var explanation = (Attribution)new GradCamPlusPlus(model, layer: "conv").Explain(x, Targets.Class(1));
        var (a, g) = ActivationsAndGradients(model, x, target: 1);
        var alpha = new double[2];
        for (var k = 0; k < 2; k++)
        {
            var s = Enumerable.Range(0, 9).Sum(p => a[(k * 9) + p]);
            for (var p = 0; p < 9; p++)
            {
                var gk = g[(k * 9) + p];
                var weight = gk == 0 ? 0 : gk * gk / ((2 * gk * gk) + (s * gk * gk * gk) + 1e-7);
                alpha[k] += weight * Math.Max(0, gk);
            }
        }
        AssertRelative(Cam(a, alpha), explanation.LayerMap!.ToFloats(), 1e-5);
    }

    [Fact]
    public void GuidedGradCamAlphaMatchesAHandComputation()
    {
        // A negative bias makes some activations negative, so both gates [A > 0] and [g > 0] matter.
        using var scope = torch.NewDisposeScope();
        using var model = SquareHead(convBias: -0.4f);
        var x = torch.rand([1, 1, 3, 3]);
        using var guided = (Attribution)new GradCam(model, layer: "conv", guided: true).Explain(x, Targets.Class(0));
        using var plain = (Attribution)new GradCam(model, layer: "conv").Explain(x, Targets.Class(0));
        var (a, g) = ActivationsAndGradients(model, x, target: 0);
        double[] Alpha(Func<int, double> gate) =>
            [.. Enumerable.Range(0, 2).Select(k => Enumerable.Range(0, 9).Sum(p => g[(k * 9) + p] * gate((k * 9) + p)) / 9)];
        AssertRelative(Cam(a, Alpha(i => g[i] > 0 && a[i] > 0 ? 1 : 0)), guided.LayerMap!.ToFloats(), 1e-5);
        AssertRelative(Cam(a, Alpha(_ => 1)), plain.LayerMap!.ToFloats(), 1e-5);
    }

    [Fact]
    public void FullGradCountsTheImplicitBiasOfBatchNorm()
    {
        // conv (1x1, no bias) -> BatchNorm2d in eval mode -> linear on the 3x3 map, so dS_c/dz is the class's weight row
        // and the map needs no upsampling: the only bias is BatchNorm's beta - mean * gamma / sqrt(var + eps).
        const double eps = 1e-5;
        double[] w = [0.8, -1.3], gamma = [1.5, 0.7], beta = [0.2, -0.1], mean = [0.3, -0.2], variance = [0.5, 2.0];
        using var scope = torch.NewDisposeScope();
        using var model = nn.Sequential(("conv", nn.Conv2d(1, 2, 1, bias: false)), ("norm", nn.BatchNorm2d(2, eps)),
            ("flatten", nn.Flatten()), ("fc", nn.Linear(18, 3)));
        var fc = ExplainerModels.Random(3 * 18, seed: 9);
        model.load_state_dict(new Dictionary<string, Tensor>
        {
            ["conv.weight"] = Floats(w, [2, 1, 1, 1]),
            ["norm.weight"] = Floats(gamma, [2]),
            ["norm.bias"] = Floats(beta, [2]),
            ["norm.running_mean"] = Floats(mean, [2]),
            ["norm.running_var"] = Floats(variance, [2]),
            ["norm.num_batches_tracked"] = torch.zeros([], ScalarType.Int64),
            ["fc.weight"] = torch.tensor(fc, [3, 18]),
            ["fc.bias"] = torch.zeros([3]),
        });
        var x = torch.rand([1, 1, 3, 3]);
        using var explanation = (Attribution)new FullGrad(model).Explain(x, Targets.Class(2));
        var pixels = x.ToFloats();
        var inputTerm = new double[9];
        var biasTerm = new double[9];
        for (var k = 0; k < 2; k++)
        {
            var scale = gamma[k] / Math.Sqrt(variance[k] + eps);
            var bias = beta[k] - (mean[k] * scale);
            for (var p = 0; p < 9; p++)
            {
                var dz = (double)fc[(2 * 18) + (k * 9) + p];
                inputTerm[p] += dz * scale * w[k];
                biasTerm[p] += Math.Abs(dz * bias);
            }
        }
        var input = MinMax([.. inputTerm.Select((g, p) => Math.Abs(g * pixels[p]))]);
        var layer = MinMax(biasTerm);
        AssertRelative([.. input.Zip(layer, (a, b) => a + b)], explanation.Raw.ToFloats(), 1e-5);
    }

    private static Tensor Floats(double[] values, long[] shape) => torch.tensor(values.Select(v => (float)v).ToArray(), shape);

    private static double[] MinMax(double[] values) =>
        [.. values.Select(v => (v - values.Min()) / (values.Max() - values.Min()))];

    private static void AssertRelative(double[] expected, float[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        var tolerance = relative * Math.Max(1e-6, expected.Max(Math.Abs));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: {actual[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void GaussLegendreNodesAndWeightsMatchTablesForFivePoints()
    {
        // Abramowitz and Stegun 25.4.29: +-0.9061798459386640, +-0.5384693101056831, 0 with weights
        // 0.2369268850561891, 0.4786286704993665, 0.5688888888888889.
        var (nodes, weights) = Quadrature.GaussLegendre(5);
        double[] expectedNodes = [-0.9061798459386640, -0.5384693101056831, 0, 0.5384693101056831, 0.9061798459386640];
        double[] expectedWeights = [0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891];
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(expectedNodes[i], nodes[i], 14);
            Assert.Equal(expectedWeights[i], weights[i], 14);
        }
        // An m-point rule integrates polynomials up to degree 2m - 1 exactly: x^9 and x^8 with m = 5 on [0, 1].
        var (points, unitWeights) = Quadrature.For(IntegrationRule.GaussLegendre, 5);
        Assert.Equal(0.1, points.Zip(unitWeights, (t, w) => w * Math.Pow(t, 9)).Sum(), 14);
        Assert.Equal(1.0 / 9, points.Zip(unitWeights, (t, w) => w * Math.Pow(t, 8)).Sum(), 14);
    }

    [Fact]
    public void TheModelModeIsRestoredAfterAnExceptionAndEvalModelsStayInEval()
    {
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([2, 1, 8, 8]);
        var fc = (Linear)model.named_modules().First(m => m.name == "fc").module;
        var sawEval = false;
        var hook = fc.register_forward_hook((_, _, _) =>
        {
            sawEval = !model.training;
            throw new InvalidOperationException("model failure");
        });
        try
        {
            model.train();
            Assert.Throws<InvalidOperationException>(() => new VanillaGradients(model).Explain(x, Targets.Predicted));
        }
        finally
        {
            hook.remove();
        }
        Assert.True(sawEval);
        Assert.True(model.training);
        model.eval();
        new IntegratedGradients(model, steps: 2).Explain(x, Targets.Predicted).Dispose();
        Assert.False(model.training);
    }

    /// <summary>y = x^2, elementwise.</summary>
    private sealed class Square() : nn.Module<Tensor, Tensor>(nameof(Square))
    {
        public override Tensor forward(Tensor input) => input.square();
    }
}
