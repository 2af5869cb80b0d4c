using TorchSharp.Modules;
using TrainExplain.Explainers;

namespace TrainExplain.Tests.Explainers;

/// <summary>
/// LayerCAM's and Score-CAM's weights recomputed by hand (METHODS.md) on ReLU -> linear, where the layer's output is
/// A = ReLU(x) and dS/dA is the class's weight row, and their bad inputs.
/// </summary>
public sealed class CamWeightingTests
{
    // Two 2 x 2 channels, and the weights and biases of two classes over the 8 flattened values.
    private static readonly float[] Input = [1, 2, 3, -1, 0.5f, -2, 1, 4];
    private static readonly float[] Weight = [1, -2, 3, 0.5f, -1, 0.25f, 2, 1, 0.5f, 1, -1, 2, 0, 1, -3, 0.5f];
    private static readonly float[] Bias = [0.5f, -0.5f];

    /// <summary>ReLU (the explained layer, "relu") -> flatten -> linear with <see cref="Weight"/> and <see cref="Bias"/>.</summary>
    private static Sequential ReluLinear()
    {
        var model = nn.Sequential(("relu", nn.ReLU()), ("flatten", nn.Flatten()), ("fc", nn.Linear(8, 2)));
        using var scope = torch.NewDisposeScope();
        model.load_state_dict(new Dictionary<string, Tensor> { ["fc.weight"] = torch.tensor(Weight, [2, 8]), ["fc.bias"] = torch.tensor(Bias) });
        return model;
    }

    private static double[] Activations => [.. Input.Select(v => Math.Max(0.0, v))];

    /// <summary>The logits of the linear head at layer output <paramref name="a"/> (8 values).</summary>
    private static double[] Logits(double[] a) => [.. Enumerable.Range(0, 2).Select(c => Bias[c] + a.Select((v, i) => Weight[(c * 8) + i] * v).Sum())];

    private static void AssertMap(double[] expected, Tensor actual, string what)
    {
        var values = actual.ToFloats();
        Assert.Equal(expected.Length, values.Length);
        var tolerance = 1e-5 * Math.Max(1, expected.Max(Math.Abs));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance, $"{what}: position {i} is {values[i]}, by hand {expected[i]}");
        }
    }

    [Fact]
    public void LayerCamWeighsEachPositionByItsOwnPositiveGradient()
    {
        // g = W[c] (the head is linear in A), so cam_ij = ReLU(sum_k ReLU(W[c, k, i, j]) A_kij).
        using var scope = torch.NewDisposeScope();
        using var model = ReluLinear();
        using var explanation = (Attribution)new LayerCam(model, layer: "relu").Explain(torch.tensor(Input, [1, 2, 2, 2]), Targets.Class(1));
        var a = Activations;
        var expected = Enumerable.Range(0, 4).Select(p => Math.Max(0, Enumerable.Range(0, 2).Sum(k => Math.Max(0, Weight[8 + (k * 4) + p]) * a[(k * 4) + p]))).ToArray();
        AssertMap(expected, explanation.LayerMap!, "cam");
        AssertMap(expected, explanation.Raw, "raw (a 2 x 2 map upsampled to 2 x 2 is itself)");
        Assert.Equal(1, explanation.Passes);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    public void ScoreCamWeighsEachChannelByTheProbabilityItsMaskAddsOverTheBlackBaseline(int? maxChannels)
    {
        // M_k = minmax(A_k), alpha_k = p_c(x * M_k) - p_c(0) (the logits at 0 are the biases); with a cap of 1 only
        // channel 0 (mean activation 1.5 against 1.375) is scored and channel 1 weighs 0.
        using var scope = torch.NewDisposeScope();
        using var model = ReluLinear();
        const int target = 0;
        using var explanation = (Attribution)new ScoreCam(model, layer: "relu", maxChannels: maxChannels)
            .Explain(torch.tensor(Input, [1, 2, 2, 2]), Targets.Class(target));
        var a = Activations;
        static double Probability(double[] logits, int c) => Math.Exp(logits[c]) / logits.Sum(Math.Exp);
        var baseline = Probability(Logits(new double[8]), target);
        var alpha = Enumerable.Range(0, 2).Select(k =>
        {
            if (maxChannels == 1 && k == 1)
            {
                return 0;
            }
            var map = a.Skip(k * 4).Take(4).ToArray();
            var mask = map.Select(v => (v - map.Min()) / (map.Max() - map.Min())).ToArray();
            var masked = Input.Select((v, i) => Math.Max(0, v * mask[i % 4])).ToArray();
            return Probability(Logits(masked), target) - baseline;
        }).ToArray();
        var expected = Enumerable.Range(0, 4).Select(p => Math.Max(0, (alpha[0] * a[p]) + (alpha[1] * a[4 + p]))).ToArray();
        AssertMap(expected, explanation.LayerMap!, "cam");
        Assert.Equal(1 + (maxChannels ?? 2), explanation.Passes);
        Assert.Equal(maxChannels is { } cap ? $"{cap}" : "all", explanation.Parameters["max_channels"]);
    }

    [Fact]
    public void ScoreCamTakesNoGradientAndSharesNoGradientPass()
    {
        // Behind a detached layer no gradient reaches the layer: Grad-CAM must refuse it, Score-CAM needs none.
        torch.manual_seed(5);
        using var scope = torch.NewDisposeScope();
        using var model = nn.Sequential(("conv", nn.Conv2d(1, 2, 3)), ("stop", new Detached()), ("relu", nn.ReLU()), ("flatten", nn.Flatten()), ("fc", nn.Linear(2 * 6 * 6, 3)));
        var x = torch.rand([2, 1, 8, 8]);
        Assert.Throws<InvalidOperationException>(() => new GradCam(model, layer: "relu").Explain(x, Targets.Predicted));
        using (var alone = new ScoreCam(model, layer: "relu").Explain(x, Targets.Predicted))
        {
            Assert.Equal(1 + 2, alone.Passes);
        }
        using var nested = ExplainerModels.NestedConvNet();
        var explanations = new ExplainerSet([new GradCam(nested), new ScoreCam(nested)]).Explain(x, Targets.Predicted);
        try
        {
            Assert.False(explanations[1].Parameters.ContainsKey("gradient_pass"));
            Assert.Equal("features.conv2 (last Conv2d)", explanations[1].Parameters["layer"]);
        }
        finally
        {
            explanations.ToList().ForEach(e => e.Dispose());
        }
    }

    /// <summary>Passes its input on cut from the graph.</summary>
    private sealed class Detached() : nn.Module<Tensor, Tensor>(nameof(Detached))
    {
        public override Tensor forward(Tensor input) => input.detach();
    }

    [Fact]
    public void BadArgumentsAreRefusedWithTheirNames()
    {
        using var model = ExplainerModels.NestedConvNet();
        foreach (var cap in new int?[] { 0, -3 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ScoreCam(model, maxChannels: cap));
            Assert.Equal("maxChannels", e.ParamName);
            Assert.Contains("positive", e.Message);
        }
        Assert.Equal("layers", Assert.Throws<ArgumentException>(() => new LayerCam(model, Array.Empty<string>())).ParamName);
        Assert.Equal("layers", Assert.Throws<ArgumentNullException>(() => new ScoreCam(model, (IReadOnlyList<string>)null!)).ParamName);
        using var x = torch.rand([2, 1, 8, 8]);
        var flat = Assert.Throws<ArgumentException>(() => new ScoreCam(model, layer: "flatten").Explain(x, Targets.Predicted));
        Assert.Contains("[N, K, h, w]", flat.Message);
        var missing = Assert.Throws<ArgumentException>(() => new LayerCam(model, layer: "features.conv9").Explain(x, Targets.Predicted));
        Assert.Contains("features.conv9", missing.Message);
    }
}
