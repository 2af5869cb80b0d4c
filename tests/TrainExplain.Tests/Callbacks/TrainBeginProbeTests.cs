using TrainExplain.Callbacks;
using TrainExplain.Data;
using TrainExplain.Explainers;
using TrainExplain.Tests.Support;
using TrainExplain.Tests.Training;
using TrainExplain.Training;

namespace TrainExplain.Tests.Callbacks;

/// <summary>An explainer callback refuses a wrong layer name or a validation batch the model cannot take before the first epoch trains.</summary>
public sealed class TrainBeginProbeTests
{
    private sealed class BatchCounter : ITrainingCallback
    {
        public int Batches { get; private set; }

        public void OnBatchEnd(TrainingContext context) => Batches++;
    }

    /// <summary>Explainers of <see cref="TrainingFixtures.SmallConvNet"/> (layers conv, relu, flatten, fc) that name a layer it lacks.</summary>
    public static TheoryData<string> WrongLayerExplainers => ["GradCam", "GradCamPlusPlus over two layers", "LayerActivations", "SmoothGrad of GradCam"];

    private static IExplainer WrongLayer(string kind, nn.Module<Tensor, Tensor> model) => kind switch
    {
        "GradCam" => new GradCam(model, layer: "block3.conv"),
        "GradCamPlusPlus over two layers" => new GradCamPlusPlus(model, layers: ["conv", "block3.conv"]),
        "LayerActivations" => new LayerActivations(model, layer: "block3.conv"),
        _ => new NoiseTunnel(new GradCam(model, layer: "block3.conv"), samples: 2),
    };

    /// <summary>Fits 2 epochs of 4 batches with a batch counter first and <paramref name="callback"/> second; the parameters before and after.</summary>
    private static (Exception? Error, int Batches, bool WeightsUnchanged) FitWith(nn.Module<Tensor, Tensor> model, ExplainerCallback callback)
    {
        using var train = TrainingFixtures.Bars(64, seed: 1);
        using var validation = TrainingFixtures.Bars(32, seed: 2);
        using var optimizer = optim.Adam(model.parameters(), lr: 0.02);
        using var loss = nn.CrossEntropyLoss();
        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        var counter = new BatchCounter();
        var error = Record.Exception(() => Trainer.Fit(model, optimizer, loss, new BatchLoader(train, 16), new BatchLoader(validation, 16), 2, [counter, callback]));
        using var comparisons = torch.NewDisposeScope();
        var unchanged = before.Zip(model.parameters()).All(pair => pair.First.eq(pair.Second).all().item<bool>());
        before.ForEach(t => t.Dispose());
        return (error, counter.Batches, unchanged);
    }

    [Theory]
    [MemberData(nameof(WrongLayerExplainers))]
    public void AWrongLayerNameIsRefusedAtTrainBeginNamingTheExplainerTheLayerAndTheLayersThereAre(string kind)
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var images = TrainingFixtures.Bars(4, seed: 3);
        var explainer = WrongLayer(kind, model);
        using var callback = new ExplainerCallback(explainer, images.Images, Targets.Predicted);

        var (error, batches, unchanged) = FitWith(model, callback);

        var refusal = Assert.IsType<ArgumentException>(error);
        Assert.Equal(0, batches);
        Assert.True(unchanged, "the weights changed: an epoch trained before the refusal");
        Assert.Contains(explainer.Name, refusal.Message);
        Assert.Contains("no layer named 'block3.conv'", refusal.Message);
        Assert.Contains("Available layers: ", refusal.Message);
        Assert.Contains("conv (Conv2d)", refusal.Message);
        Assert.Contains("fc (Linear)", refusal.Message);
    }

    [Fact]
    public void AValidationBatchOfAnotherImageSizeIsRefusedAtTrainBeginAsAnArgumentException()
    {
        using var model = TrainingFixtures.SmallConvNet();   // takes 6x6 images
        using var images = torch.rand([4, 1, 8, 8]);
        var explainer = new GradCam(model, layer: "conv");
        using var callback = new ExplainerCallback(explainer, images, Targets.Predicted);

        var (error, batches, unchanged) = FitWith(model, callback);

        var refusal = Assert.IsType<ArgumentException>(error);
        Assert.Equal(0, batches);
        Assert.True(unchanged);
        Assert.Contains("GradCam[conv] cannot explain the validation batch of shape [4, 1, 8, 8]", refusal.Message);
        Assert.DoesNotContain("frame #", refusal.Message);
    }

    [Fact]
    public void ABadValidationBatchIsRefusedAtTrainBegin()
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var images = torch.rand([4, 6, 6]);
        using var callback = new ExplainerCallback(new VanillaGradients(model), images, Targets.Predicted);

        var (error, batches, _) = FitWith(model, callback);

        Assert.Contains("[N, C, H, W], got shape [4, 6, 6]", Assert.IsType<ArgumentException>(error).Message);
        Assert.Equal(0, batches);
    }

    [Fact]
    public void TheProbeOfGoodLayersPassesLeavesTheModelTrainingAndLeaksNoTensor()
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        using var images = TrainingFixtures.Bars(4, seed: 3);
        IExplainer[] explainers = [new GradCam(model), new GradCamPlusPlus(model, layers: ["conv", "relu"]), new LayerActivations(model, "relu"),
            new FullGrad(model), new NoiseTunnel(new GradCam(model, layer: "conv"), samples: 2) { Name = "NoisyGradCam" }];
        using var callback = new ExplainerCallback(explainers, images.Images, Targets.Predicted);
        var context = TrainingFixtures.ContextAt(model, optimizer, 1);
        model.train();
        callback.OnTrainBegin(context);   // warms up lazily made native state before the count
        var baseline = LiveTensors.Baseline();

        callback.OnTrainBegin(context);

        baseline.AssertUnchanged();
        Assert.True(model.training);
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void ARefusedProbeLeaksNoTensor()
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        using var images = TrainingFixtures.Bars(4, seed: 3);
        using var callback = new ExplainerCallback(new GradCam(model, layer: "block3.conv"), images.Images, Targets.Predicted);
        var context = TrainingFixtures.ContextAt(model, optimizer, 1);
        model.train();
        Assert.Throws<ArgumentException>(() => callback.OnTrainBegin(context));
        var baseline = LiveTensors.Baseline();

        Assert.Throws<ArgumentException>(() => callback.OnTrainBegin(context));

        baseline.AssertUnchanged();
        Assert.True(model.training);
    }
}
