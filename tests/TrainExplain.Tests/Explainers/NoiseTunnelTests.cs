using TrainExplain.Explainers;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Explainers;

/// <summary>
/// The noise tunnel (issue 21): SmoothGrad, SmoothGrad² and VarGrad of any attribution method, against the same noise
/// drawn here from the documented generator (sample i: a CPU generator seeded with seed + i * 0x9E3779B97F4A7C15).
/// </summary>
public sealed class NoiseTunnelTests
{
    /// <summary>Sample <paramref name="sample"/>'s standard normal noise for a batch like <paramref name="like"/>, as METHODS.md defines it.</summary>
    private static Tensor Noise(long seed, long sample, Tensor like)
    {
        using var generator = new torch.Generator(unchecked((ulong)seed + ((ulong)sample * 0x9E3779B97F4A7C15UL)));
        return torch.randn(like.shape, like.dtype, generator: generator);
    }

    /// <summary>The noisy copies x + sigma e_i of every sample i, sigma = noise * (max - min) per image.</summary>
    private static IEnumerable<Tensor> Copies(Tensor x, int samples, double noise, long seed)
    {
        var flat = x.flatten(1);
        var sigma = ((flat.amax([1]) - flat.amin([1])) * noise).view(-1, 1, 1, 1);
        return Enumerable.Range(0, samples).Select(i => x + (sigma * Noise(seed, i, x)));
    }

    private static void AssertClose(Tensor expected, Tensor actual, double relative, string what)
    {
        var (e, a) = (expected.to(ScalarType.Float64).ToDoubles(), actual.to(ScalarType.Float64).ToDoubles());
        Assert.Equal(e.Length, a.Length);
        var tolerance = relative * Math.Max(1e-12, e.Max(Math.Abs));
        for (var i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - a[i]) <= tolerance, $"{what}, element {i}: expected {e[i]}, got {a[i]} (tolerance {tolerance})");
        }
    }

    /// <summary>
    /// On S(x) = sum(a x^2) with the zero baseline the path integrand is linear, so Gauss-Legendre (and the trapezoid
    /// rule) give IG = a x^2 exactly: SmoothGrad of IG is the mean over the copies of a (x + e_i)^2, SmoothGrad² the
    /// mean of its square, VarGrad their difference; float32 results within 1e-6 of the largest value. The copies go to
    /// IG three at a time (its internal batch size), so calls split samples; the cost is n times IG's m passes.
    /// </summary>
    [Theory]
    [InlineData(NoiseAggregation.SmoothGrad, IntegrationRule.GaussLegendre)]
    [InlineData(NoiseAggregation.SmoothGrad, IntegrationRule.RiemannTrapezoid)]
    [InlineData(NoiseAggregation.SmoothGradSquared, IntegrationRule.GaussLegendre)]
    [InlineData(NoiseAggregation.VarGrad, IntegrationRule.GaussLegendre)]
    public void SmoothGradOfIntegratedGradientsIsTheMeanOverTheSameNoiseOfTheClosedForm(NoiseAggregation aggregation, IntegrationRule rule)
    {
        const int samples = 5;
        const double noise = 0.2;
        const long seed = 17;
        double[] coefficients = [0.5, -1.5, 2, 3];
        using var scope = torch.NewDisposeScope();
        using var model = new ExplainerModels.Quadratic(coefficients, [1, 1, 2, 2]);
        var x = torch.tensor(new double[] { 0.3, -0.7, 1.1, 0.9, -0.2, 0.4, 0.8, -1.3 }, [2, 1, 2, 2]);
        var ig = new IntegratedGradients(model, steps: 4, rule: rule, internalBatchSize: 3);
        using var explanation = (Attribution)new NoiseTunnel(ig, aggregation, samples, noise, seed).Explain(x, Targets.Class(0));

        var a = torch.tensor(coefficients, [1, 1, 2, 2]);
        var maps = torch.stack([.. Copies(x, samples, noise, seed).Select(copy => a * copy.square())]);
        var mean = maps.mean([0]);
        var expected = aggregation switch
        {
            NoiseAggregation.SmoothGrad => mean,
            NoiseAggregation.SmoothGradSquared => maps.square().mean([0]),
            _ => maps.square().mean([0]) - mean.square(),
        };
        AssertClose(expected, explanation.Raw, 1e-6, $"{aggregation} of IG ({rule})");
        AssertClose(expected.abs().sum(1), explanation.Saliency, 1e-6, "saliency");
        Assert.Equal($"{aggregation}(IntegratedGradients)", explanation.Method);
        Assert.Equal(samples * 4, explanation.Passes);
        Assert.Equal(["5", "0.2", "17", "4"], new[] { "samples", "noise", "seed", "steps" }.Select(k => explanation.Parameters[k]));
        // The clean images' target and score are reported: S(x) = sum(a x^2).
        Assert.Equal([0L, 0L], explanation.Targets);
        AssertClose((a * x.square()).flatten(1).sum(1), torch.tensor(explanation.Scores), 1e-6, "scores");
        // The trapezoid's path starts at the baseline, so each copy's completeness error is free; the mean is kept (0 here, IG being exact).
        if (rule == IntegrationRule.RiemannTrapezoid)
        {
            Assert.All(explanation.Delta!.ToFloats(), d => Assert.True(Math.Abs(d) < 1e-6, $"delta {d}"));
        }
        else
        {
            Assert.Null(explanation.Delta);
        }
    }

    /// <summary>
    /// On conv -> ReLU -> GAP -> linear, g_k = w_ck / (h w) everywhere, so each copy's Grad-CAM of the ReLU is
    /// ReLU(sum_k w_ck A_k(x + e_i)) / (h w), the class activation map; SmoothGrad of Grad-CAM is their mean over the same
    /// noise, at the layer's resolution and (the layer having the input's 6x6 resolution) upsampled. Within 1e-6 of the
    /// largest value (float32).
    /// </summary>
    [Fact]
    public void SmoothGradOfGradCamOnAGapLinearModelIsTheMeanOfTheCopiesClassActivationMaps()
    {
        const int samples = 4;
        const double noise = 0.3;
        const long seed = 3;
        torch.manual_seed(12);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.GapLinear();
        var x = torch.rand([2, 1, 6, 6]);
        using var explanation = (Attribution)new NoiseTunnel(new GradCam(model, layer: "relu", internalBatchSize: 3), NoiseAggregation.SmoothGrad, samples, noise, seed)
            .Explain(x, Targets.Of([0, 2]));

        var state = model.state_dict();
        var classWeights = state["fc.weight"].index_select(0, torch.tensor(new long[] { 0, 2 }));
        var cams = Copies(x, samples, noise, seed).Select(copy =>
        {
            var features = nn.functional.conv2d(copy, state["conv.weight"], state["conv.bias"], padding: [1L]).relu();
            return (classWeights.unsqueeze(2).unsqueeze(3) * features).sum(1).relu() / 36.0;
        });
        var expected = torch.stack([.. cams]).mean([0]);
        AssertClose(expected, explanation.LayerMap!, 1e-6, "layer map");
        AssertClose(expected, explanation.Saliency, 1e-6, "upsampled map");
        Assert.Equal([2L, 1, 6, 6], explanation.Raw.shape);
        Assert.Equal("SmoothGrad(GradCam[relu])", explanation.Method);
        Assert.Equal(samples, explanation.Passes);
    }

    /// <summary>Without noise every copy is the image, so each aggregate is the method's own map (VarGrad 0), up to float rounding (1e-6).</summary>
    [Fact]
    public void WithoutNoiseSmoothGradOfGradCamIsGradCamAndItsVarGradIsZero()
    {
        torch.manual_seed(13);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([3, 1, 8, 8]);
        var gradCam = new GradCam(model, layer: "features.conv1", internalBatchSize: 4);
        using var plain = (Attribution)gradCam.Explain(x, Targets.Predicted);
        using var smooth = (Attribution)new NoiseTunnel(gradCam, samples: 3, noise: 0).Explain(x, Targets.Predicted);
        using var variance = (Attribution)new NoiseTunnel(gradCam, NoiseAggregation.VarGrad, samples: 3, noise: 0).Explain(x, Targets.Predicted);
        AssertClose(plain.LayerMap!, smooth.LayerMap!, 1e-6, "layer map");
        AssertClose(plain.Raw, smooth.Raw, 1e-6, "raw");
        AssertClose(plain.Heatmaps, smooth.Heatmaps, 1e-5, "heatmaps");
        Assert.Equal(plain.Targets, smooth.Targets);
        Assert.Equal(plain.Scores, smooth.Scores);
        Assert.Equal(plain.Normalization, smooth.Normalization);
        var scale = plain.LayerMap!.abs().max().item<float>();
        Assert.All(variance.LayerMap!.ToFloats(), v => Assert.True(Math.Abs(v) <= 1e-6 * scale * scale, $"variance {v}"));
    }

    /// <summary>The named methods are the tunnel over vanilla gradients, bit for bit, under their own names.</summary>
    [Fact]
    public void SmoothGradSmoothGradSquaredAndVarGradAreTheTunnelOverVanillaGradients()
    {
        torch.manual_seed(14);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([3, 1, 8, 8]);
        (NoiseTunnel Named, NoiseAggregation Aggregation)[] cases =
        [
            (new SmoothGrad(model, samples: 3, seed: 7, internalBatchSize: 4), NoiseAggregation.SmoothGrad),
            (new SmoothGradSquared(model, samples: 3, seed: 7, internalBatchSize: 4), NoiseAggregation.SmoothGradSquared),
            (new VarGrad(model, samples: 3, seed: 7, internalBatchSize: 4), NoiseAggregation.VarGrad),
        ];
        foreach (var (named, aggregation) in cases)
        {
            using var a = named.Explain(x, Targets.Predicted);
            using var b = new NoiseTunnel(new VanillaGradients(model, internalBatchSize: 4), aggregation, samples: 3, seed: 7).Explain(x, Targets.Predicted);
            Assert.Equal(b.Raw.ToFloats(), a.Raw.ToFloats());
            Assert.Equal(aggregation.ToString(), a.Method);
            Assert.Equal($"{aggregation}(VanillaGradients)", b.Method);
            Assert.Equal(3, a.Passes);
        }
    }

    /// <summary>
    /// The copies reach the wrapped method in calls of at most B copies, never one call per copy: 3 images x 5 samples
    /// with B = 4 are 4 gradient passes of at most 4 copies, after one forward over the clean images for the targets.
    /// </summary>
    [Fact]
    public void CopiesGoToTheWrappedMethodInBatchesOfTheInternalBatchSize()
    {
        torch.manual_seed(15);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([3, 1, 8, 8]);
        var batches = new List<(long Size, bool Gradient)>();
        var hook = model.register_forward_hook((_, input, output) =>
        {
            batches.Add((input.size(0), input.requires_grad));
            return output;
        });
        try
        {
            new NoiseTunnel(new GradientsInputs(model, internalBatchSize: 4), samples: 5).Explain(x, Targets.Predicted).Dispose();
        }
        finally
        {
            hook.remove();
        }
        Assert.Equal([(3L, false), (4L, true), (4L, true), (4L, true), (3L, true)], batches);
    }

    [Fact]
    public void AMethodWithoutAttributionsOrBadSettingsAreRefusedWithTheirNames()
    {
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([2, 1, 8, 8]);
        var activations = Assert.Throws<InvalidOperationException>(() => new NoiseTunnel(new LayerActivations(model), samples: 2).Explain(x, Targets.Predicted));
        Assert.Contains("LayerActivations makes no attribution", activations.Message);
        Assert.Equal("inner", Assert.Throws<ArgumentNullException>(() => new NoiseTunnel(null!)).ParamName);
        Assert.Equal("samples", Assert.Throws<ArgumentOutOfRangeException>(() => new NoiseTunnel(new VanillaGradients(model), samples: 0)).ParamName);
        Assert.Equal("noise", Assert.Throws<ArgumentOutOfRangeException>(() => new NoiseTunnel(new VanillaGradients(model), noise: double.NaN)).ParamName);
        Assert.Equal("aggregation", Assert.Throws<ArgumentOutOfRangeException>(() => new NoiseTunnel(new VanillaGradients(model), (NoiseAggregation)7)).ParamName);
        // 1e40 is a finite double, but 1e40 times the range of x is no float32: refused, not a NaN map.
        var overflow = Assert.Throws<ArgumentOutOfRangeException>(() => new NoiseTunnel(new VanillaGradients(model), samples: 2, noise: 1e40).Explain(x, Targets.Predicted));
        Assert.Equal("noise", overflow.ParamName);
        Assert.Contains("overflows float32", overflow.Message);
    }
}
