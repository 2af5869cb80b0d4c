using TrainExplain.Explainers;
using TrainExplain.Imaging;

namespace TrainExplain.Tests.Explainers;

/// <summary>
/// Issue 12, item 7: a method written outside the library, from the public API only (<see cref="Explainer"/>,
/// <see cref="ExplainContext"/>, <see cref="GradientRequest"/>, <see cref="Heatmaps"/>, <see cref="Normalization"/>),
/// gets the shared frame and shares the gradient pass of an <see cref="ExplainerSet"/> as the built-in methods do. (The
/// packed-library consumer test builds the same kind of method without this assembly's access to internals.)
/// </summary>
public sealed class ThirdPartyMethodTests
{
    /// <summary>"Squared gradients": raw = (dS/dx)^2, heatmap as vanilla gradients'; one pass, shareable.</summary>
    private sealed class SquaredGradients(nn.Module<Tensor, Tensor> model) : Explainer(model, ScoreKind.Logit, internalBatchSize: 256)
    {
        protected internal override GradientRequest? SharedPassRequest(Tensor inputs) => GradientRequest.InputOnly;

        protected override Explanation Compute(ExplainContext context)
        {
            var gradient = context.Gradients(context.Request!).Input!;
            var raw = gradient.square();
            return context.Attribution(raw, Heatmaps.ChannelReduction(raw), Normalization.Percentile, passes: 1);
        }

        protected internal override IEnumerable<(string Name, string Value)> DescribeParameters() => base.DescribeParameters().Append(("power", "2"));
    }

    /// <summary>A layer method: raw = the channel sum of A * dS/dA at a named layer, upsampled; shareable with Grad-CAM's pass.</summary>
    private sealed class GradientTimesActivation(nn.Module<Tensor, Tensor> model, string layer) : Explainer(model, ScoreKind.Logit, internalBatchSize: 256)
    {
        protected override string DefaultName => $"GradientTimesActivation[{layer}]";

        protected internal override GradientRequest? SharedPassRequest(Tensor inputs) =>
            new(InputGradient: false, Layers: [new NamedLayer(layer, (nn.Module<Tensor, Tensor>)Model.named_modules().Single(m => m.name == layer).module)]);

        protected override Explanation Compute(ExplainContext context)
        {
            var gradients = context.Gradients(context.Request!);
            var map = (gradients.Activations[0] * gradients.LayerGradients[0]).sum(1);
            var raw = Heatmaps.Upsample(map, context.Inputs.size(2), context.Inputs.size(3));
            return context.Attribution(raw.unsqueeze(1), raw, Normalization.MinMax, passes: 1, layerMap: map);
        }
    }

    /// <summary>Vanilla gradients with a normalization of its own: the saliency clamped to [0, 1], named in words.</summary>
    private sealed class ClampedGradients(nn.Module<Tensor, Tensor> model) : Explainer(model, ScoreKind.Logit, internalBatchSize: 256)
    {
        internal const string Description = "per image: the saliency clamped to [0, 1]";

        protected override Explanation Compute(ExplainContext context)
        {
            var gradient = context.Gradients(GradientRequest.InputOnly).Input!;
            return context.Attribution(gradient, Heatmaps.ChannelReduction(gradient), new Normalization(maps => maps.clamp(0, 1), Description), passes: 1);
        }
    }

    [Fact]
    public void AMethodsOwnNormalizationMakesItsHeatmapsAndNamesItselfOnTheColourBar()
    {
        torch.manual_seed(80);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        // In a set too, which passes the method's result through as it is.
        var results = new ExplainerSet([new ClampedGradients(model), new VanillaGradients(model)]).Explain(torch.rand([3, 1, 8, 8]), Targets.Predicted);
        using var clamped = (Attribution)results[0];
        using var vanilla = (Attribution)results[1];
        Assert.Equal(vanilla.Saliency.clamp(0, 1).ToFloats(), clamped.Heatmaps.ToFloats());
        Assert.Equal(ClampedGradients.Description, clamped.Normalization);
        Assert.Equal($"heat, {ClampedGradients.Description}", clamped.Legend().Normalization);
        Assert.Equal("description", Assert.Throws<ArgumentException>(() => new Normalization(maps => maps, " ")).ParamName);
    }

    [Fact]
    public void AMethodDefinedHereSharesThePassAndGivesTheRightNumbers()
    {
        torch.manual_seed(78);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([4, 1, 8, 8]);
        IExplainer[] methods = [new VanillaGradients(model), new SquaredGradients(model), new GradCam(model, layer: "features.conv2"),
            new GradientTimesActivation(model, "features.conv2")];
        var gradientPasses = 0;
        var hook = model.register_forward_hook((_, input, output) =>
        {
            gradientPasses += input.requires_grad ? 1 : 0;
            return output;
        });
        IReadOnlyList<Explanation> together;
        try
        {
            together = new ExplainerSet(methods).Explain(x, Targets.Predicted);
        }
        finally
        {
            hook.remove();
        }
        using var vanilla = (Attribution)together[0];
        using var squared = (Attribution)together[1];
        using var gradCam = (Attribution)together[2];
        using var product = (Attribution)together[3];

        Assert.Equal(1, gradientPasses);
        Assert.All(together, e => Assert.Equal("shared by 4 methods", e.Parameters["gradient_pass"]));
        Assert.Equal("SquaredGradients", squared.Method);
        Assert.Equal("2", squared.Parameters["power"]);
        Assert.Equal("256", squared.Parameters["internal_batch_size"]);
        Assert.Equal(vanilla.Raw.square().ToFloats(), squared.Raw.ToFloats());
        Assert.Equal(vanilla.Targets, squared.Targets);
        Assert.Equal(vanilla.Scores, squared.Scores);
        Assert.True(squared.Elapsed > TimeSpan.Zero);

        // Both layer methods read A and dS/dA of features.conv2 from the one pass: each gives what it gives alone, and the
        // new one what a hand-written pass gives.
        using var alone = (Attribution)new GradientTimesActivation(model, "features.conv2").Explain(x, Targets.Predicted);
        Assert.Equal(alone.LayerMap!.ToFloats(), product.LayerMap!.ToFloats());
        using var separateCam = (Attribution)new GradCam(model, layer: "features.conv2").Explain(x, Targets.Predicted);
        Assert.Equal(separateCam.LayerMap!.ToFloats(), gradCam.LayerMap!.ToFloats());
        AssertGradientTimesActivationByHand(model, x, product);
    }

    [Fact]
    public void AloneTheMethodRunsInTheSharedFrame()
    {
        torch.manual_seed(79);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([3, 1, 8, 8]);
        model.train();
        using var squared = (Attribution)new SquaredGradients(model) { Name = "g^2" }.Explain(x, Targets.Class(1));
        using var vanilla = new VanillaGradients(model).Explain(x, Targets.Class(1));
        Assert.True(model.training, "the frame restores the model's mode");
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
        Assert.Equal("g^2", squared.Method);
        Assert.False(squared.Parameters.ContainsKey("gradient_pass"));
        Assert.Equal([1L, 1, 1], squared.Targets);
        Assert.Equal(vanilla.Raw.square().ToFloats(), squared.Raw.ToFloats());
        Assert.Contains("[N, C, H, W]", Assert.Throws<ArgumentException>(() => new SquaredGradients(model).Explain(torch.rand([8, 8]), Targets.Predicted)).Message);
    }

    /// <summary>sum over K of A_k * dS/dA_k at features.conv2, with A and dS/dA from a hand-written TorchSharp pass.</summary>
    private static void AssertGradientTimesActivationByHand(nn.Module<Tensor, Tensor> model, Tensor x, Attribution product)
    {
        using var scope = torch.NewDisposeScope();
        var conv2 = (nn.Module<Tensor, Tensor>)model.named_modules().Single(m => m.name == "features.conv2").module;
        Tensor? activation = null;
        var hook = conv2.register_forward_hook((_, _, output) =>
        {
            activation = output;
            scope.Attach(output);
            return output.alias();
        });
        Tensor map;
        try
        {
            model.eval();
            using var grad = torch.enable_grad();
            var logits = model.call(x);
            var score = logits.gather(1, logits.argmax(1).unsqueeze(1)).sum();
            var g = torch.autograd.grad([score], [activation!])[0];
            map = (activation!.detach() * g).sum(1);
        }
        finally
        {
            hook.remove();
            model.train();
        }
        var (expected, actual) = (map.ToFloats(), product.LayerMap!.ToFloats());
        var scale = expected.Max(Math.Abs);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * scale, $"element {i}: {actual[i]}, by hand {expected[i]}");
        }
    }
}
