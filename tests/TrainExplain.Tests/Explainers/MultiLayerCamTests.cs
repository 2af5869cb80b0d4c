using TorchSharp.Modules;
using TrainExplain.Explainers;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Explainers;

/// <summary>CAMs over several layers from one pass, and layers whose output needs reshaping to [N, K, h, w] (issue 21).</summary>
public sealed class MultiLayerCamTests
{
    /// <summary>
    /// Two GAP-linear branches, logits = fc_a(GAP(ReLU(conv_a x))) + fc_b(GAP(ReLU(conv_b x))), conv_a keeping 6x6 and
    /// conv_b (stride 2) giving 3x3: on each branch's ReLU Grad-CAM is the class activation map
    /// ReLU(sum_k w_ck A_k) / (h w), since the other branch adds no gradient there.
    /// </summary>
    private sealed class TwoBranchNet : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d convA = nn.Conv2d(1, 3, 3, padding: 1);
        private readonly ReLU reluA = nn.ReLU();
        private readonly Linear fcA = nn.Linear(3, 4);
        private readonly Conv2d convB = nn.Conv2d(1, 4, 3, stride: 2, padding: 1);
        private readonly ReLU reluB = nn.ReLU();
        private readonly Linear fcB = nn.Linear(4, 4);

        public TwoBranchNet() : base(nameof(TwoBranchNet)) => RegisterComponents();

        public override Tensor forward(Tensor input) =>
            fcA.call(reluA.call(convA.call(input)).mean([2L, 3L])) + fcB.call(reluB.call(convB.call(input)).mean([2L, 3L]));
    }

    /// <summary>conv -> ReLU -> [N, h*w, K] tokens -> mean over tokens -> linear: a transformer-like layout of the GAP-linear model.</summary>
    private sealed class TokenNet : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv = nn.Conv2d(1, 4, 3, padding: 1);
        private readonly Tokens tokens = new();
        private readonly Linear fc = nn.Linear(4, 3);

        public TokenNet() : base(nameof(TokenNet)) => RegisterComponents();

        public override Tensor forward(Tensor input) => fc.call(tokens.call(conv.call(input).relu()).mean([1L]));
    }

    /// <summary>[N, K, h, w] to [N, h*w, K].</summary>
    private sealed class Tokens() : nn.Module<Tensor, Tensor>(nameof(Tokens))
    {
        public override Tensor forward(Tensor input) => input.flatten(2).transpose(1, 2);
    }

    /// <summary>(m - min) / (max - min) per image; the test's maps are not flat.</summary>
    private static Tensor MinMax(Tensor maps)
    {
        var flat = maps.flatten(1);
        var (min, max) = (flat.amin([1], keepdim: true), flat.amax([1], keepdim: true));
        Assert.True((max - min).min().item<float>() > 1e-4f, "a flat layer map: choose other weights");
        return ((flat - min) / (max - min)).view(maps.shape);
    }

    /// <summary>
    /// Grad-CAM over both ReLUs is the mean of the two class activation maps, each min-max normalized at its own
    /// resolution and upsampled (bilinear, align_corners false) to 6x6, within 1e-6; one gradient pass serves both.
    /// </summary>
    [Fact]
    public void GradCamOverTwoLayersIsTheMeanOfTheirNormalizedUpsampledClassActivationMaps()
    {
        torch.manual_seed(61);
        using var scope = torch.NewDisposeScope();
        using var model = new TwoBranchNet();
        var x = torch.rand([2, 1, 6, 6]);
        var gradientPasses = 0;
        var hook = model.register_forward_hook((_, input, output) =>
        {
            gradientPasses += input.requires_grad ? 1 : 0;
            return output;
        });
        Attribution explanation;
        try
        {
            explanation = (Attribution)new GradCam(model, ["reluA", "reluB"]).Explain(x, Targets.Of([1, 3]));
        }
        finally
        {
            hook.remove();
        }
        using (explanation)
        {
            var state = model.state_dict();
            var classes = torch.tensor(new long[] { 1, 3 });
            Tensor Cam(string branch, long stride)
            {
                var features = nn.functional.conv2d(x, state[$"conv{branch}.weight"], state[$"conv{branch}.bias"], strides: [stride], padding: [1L]).relu();
                var weights = state[$"fc{branch}.weight"].index_select(0, classes);
                return (weights.unsqueeze(2).unsqueeze(3) * features).sum(1).relu() / (features.size(2) * features.size(3));
            }
            var (camA, camB) = (Cam("A", 1), Cam("B", 2));
            Assert.Equal([2L, 3, 3], camB.shape);
            var upsampledB = nn.functional.interpolate(MinMax(camB).unsqueeze(1), [6L, 6L], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
            var expected = ((MinMax(camA) + upsampledB) / 2).ToFloats();
            var actual = explanation.Saliency.ToFloats();
            Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-6, $"{p.Second} vs {p.First}"));
            Assert.Equal(explanation.Saliency.ToFloats(), explanation.Raw.squeeze(1).ToFloats());
            Assert.Null(explanation.LayerMap);
            Assert.Equal(1, gradientPasses);
            Assert.Equal("GradCam[reluA+reluB]", explanation.Method);
            Assert.Equal("reluA, reluB", explanation.Parameters["layers"]);
        }
    }

    /// <summary>A one-layer list is the one-layer Grad-CAM, bit for bit; results do not depend on the internal batch size; nothing leaks.</summary>
    [Fact]
    public void OneLayerListIsTheLayerAndSeveralDoNotDependOnTheBatchSize()
    {
        torch.manual_seed(62);
        using var model = ExplainerModels.NestedConvNet();
        using var x = torch.rand([5, 1, 8, 8]);
        using (var single = (Attribution)new GradCamPlusPlus(model, layer: "features.conv1").Explain(x, Targets.Predicted))
        using (var list = (Attribution)new GradCamPlusPlus(model, ["features.conv1"]).Explain(x, Targets.Predicted))
        {
            Assert.Equal(single.Raw.ToFloats(), list.Raw.ToFloats());
            Assert.Equal(single.LayerMap!.ToFloats(), list.LayerMap!.ToFloats());
            Assert.Equal(single.Method, list.Method);
        }
        string[] layers = ["features.conv1", "features.relu2"];
        var baseline = LiveTensors.Baseline();
        using (var whole = new GradCam(model, layers).Explain(x, Targets.Predicted))
        using (var chunked = new GradCam(model, layers, internalBatchSize: 2).Explain(x, Targets.Predicted))
        {
            var (a, b) = (whole.Raw.ToFloats(), chunked.Raw.ToFloats());
            Assert.All(a.Zip(b), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5, $"{p.Second} vs {p.First}"));
        }
        baseline.AssertUnchanged();
    }

    /// <summary>
    /// A layer whose output is tokens [N, h*w, K], reshaped to [N, K, h, w] (output and gradient alike), gives the same
    /// Grad-CAM as the same weights with the layer output [N, K, h, w], within 1e-6; without the reshape the error says to give one.
    /// </summary>
    [Fact]
    public void ReshapedTokenLayerGivesTheGradCamOfTheSpatialLayer()
    {
        torch.manual_seed(63);
        using var scope = torch.NewDisposeScope();
        using var tokenNet = new TokenNet();
        using var spatial = ExplainerModels.GapLinear();
        spatial.load_state_dict(tokenNet.state_dict());
        var x = torch.rand([3, 1, 6, 6]);
        using var expected = (Attribution)new GradCam(spatial, layer: "relu").Explain(x, Targets.Of([0, 1, 2]));
        using var actual = (Attribution)new GradCam(tokenNet, layer: "tokens") { Reshape = t => t.transpose(1, 2).reshape(-1, 4, 6, 6) }
            .Explain(x, Targets.Of([0, 1, 2]));
        var (e, a) = (expected.LayerMap!.ToFloats(), actual.LayerMap!.ToFloats());
        Assert.All(e.Zip(a), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-6, $"{p.Second} vs {p.First}"));
        Assert.Equal("given", actual.Parameters["reshape"]);

        var unshaped = Assert.Throws<ArgumentException>(() => new GradCam(tokenNet, layer: "tokens").Explain(x, Targets.Predicted));
        Assert.Contains("Layer 'tokens' gives shape [3, 36, 4]", unshaped.Message);
        Assert.Contains("give a Reshape", unshaped.Message);
        var wrong = Assert.Throws<ArgumentException>(() => new GradCam(tokenNet, layer: "tokens") { Reshape = t => t.flatten(1) }.Explain(x, Targets.Predicted));
        Assert.Contains("turned [3, 36, 4] into [3, 144]", wrong.Message);
    }

    [Fact]
    public void EmptyOrRepeatedLayerListsAreRefused()
    {
        using var model = ExplainerModels.NestedConvNet();
        Assert.Equal("layers", Assert.Throws<ArgumentException>(() => new GradCam(model, Array.Empty<string>())).ParamName);
        var twice = Assert.Throws<ArgumentException>(() => new GradCamPlusPlus(model, ["features.conv1", "features.conv1"]));
        Assert.Contains("'features.conv1' is named twice", twice.Message);
    }
}
