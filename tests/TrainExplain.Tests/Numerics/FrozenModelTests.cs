using TorchSharp.Modules;
using TrainExplain.Explainers;
using TrainExplain.Tests.Training;
using TrainExplain.Tests.UserModels;

namespace TrainExplain.Tests.Numerics;

/// <summary>
/// Models whose parameters do not require grad (a frozen transfer-learning backbone, weights loaded for inference) are
/// explained exactly as trainable ones, and what libtorch would refuse (a detached output or layer, a loss without a
/// graph) ends in an exception naming the cause, never in libtorch's terminate (the test process would die).
/// </summary>
public sealed class FrozenModelTests
{
    public static TheoryData<string> Methods => ["vanilla", "gradinput", "smoothgrad", "smoothgrad_sq", "vargrad", "ig", "gradcam", "gradcampp", "occlusion", "fullgrad", "activations"];

    [Theory]
    [MemberData(nameof(Methods))]
    public void EveryMethodExplainsAFrozenModelAsTheTrainableOne(string method)
    {
        using var model = UserModelZoo.Create("blocks", seed: 5);
        UserModelZoo.RandomizeBatchNormStatistics(model);
        torch.manual_seed(46);
        using var x = torch.rand([3, 1, 8, 8]);
        using var trainable = Create(method, model).Explain(x, Targets.Predicted);
        Freeze(model);
        using var frozen = Create(method, model).Explain(x, Targets.Predicted);
        Assert.Equal(trainable.Targets, frozen.Targets);
        Assert.Equal(trainable.Raw.ToFloats(), frozen.Raw.ToFloats());
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void ActivationMaximizationSynthesizesForAFrozenModelAsForTheTrainableOne()
    {
        using var model = UserModelZoo.Create("sequential", seed: 6);
        using var trainable = new ActivationMaximization(model, [0, 2], imageShape: [1, 8, 8], steps: 5).Visualize();
        Freeze(model);
        using var frozen = new ActivationMaximization(model, [0, 2], imageShape: [1, 8, 8], steps: 5).Visualize();
        Assert.Equal(trainable.Raw.ToFloats(), frozen.Raw.ToFloats());
    }

    [Fact]
    public void AModelThatDetachesItsOutputIsRefusedNamingTheExplainerAndTheCause()
    {
        using var model = new DetachingNet(detachOutput: true);
        var error = Assert.Throws<InvalidOperationException>(() => new VanillaGradients(model).Explain(torch.rand([2, 1, 8, 8]), Targets.Predicted));
        Assert.StartsWith("VanillaGradients: the score does not require grad", error.Message, StringComparison.Ordinal);
        Assert.Contains("detached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADetachedLayerIsRefusedNamingTheLayer()
    {
        using var model = new DetachingNet(detachOutput: false);
        var error = Assert.Throws<InvalidOperationException>(() => new GradCam(model, layer: "conv").Explain(torch.rand([2, 1, 8, 8]), Targets.Predicted));
        Assert.StartsWith("GradCam[conv]: the output of layer 'conv' is detached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FitOnAFullyFrozenModelSaysThereIsNothingToTrain()
    {
        using var run = new SmallRun(16);
        Freeze(run.Model);
        var error = Assert.Throws<InvalidOperationException>(() => run.Fit(1, []));
        Assert.Contains("no parameter of the model requires grad (is the whole model frozen?)", error.Message, StringComparison.Ordinal);
    }

    private static void Freeze(nn.Module model)
    {
        foreach (var parameter in model.parameters())
        {
            parameter.requires_grad_(false);
        }
    }

    private static Explainer Create(string method, nn.Module<Tensor, Tensor> model) => method switch
    {
        "vanilla" => new VanillaGradients(model),
        "gradinput" => new GradientsInputs(model),
        "smoothgrad" => new SmoothGrad(model, samples: 3),
        "smoothgrad_sq" => new SmoothGradSquared(model, samples: 3),
        "vargrad" => new VarGrad(model, samples: 3),
        "ig" => new IntegratedGradients(model, steps: 4),
        "gradcam" => new GradCam(model),
        "gradcampp" => new GradCamPlusPlus(model),
        "occlusion" => new OcclusionSensitivity(model, patch: 3, stride: 2),
        "fullgrad" => new FullGrad(model),
        "activations" => new LayerActivations(model),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    /// <summary>conv -> flatten -> linear that leaves the graph: its forward detaches the logits, or a hook detaches the conv's output.</summary>
    private sealed class DetachingNet : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv = nn.Conv2d(1, 2, 3);
        private readonly Linear head = nn.Linear(2 * 6 * 6, 3);
        private readonly bool detachOutput;

        internal DetachingNet(bool detachOutput) : base(nameof(DetachingNet))
        {
            this.detachOutput = detachOutput;
            RegisterComponents();
            if (!detachOutput)
            {
                conv.register_forward_hook((_, _, output) => output.detach());
            }
        }

        public override Tensor forward(Tensor input)
        {
            var logits = head.call(conv.call(input).flatten(1));
            return detachOutput ? logits.detach() : logits;
        }
    }
}
