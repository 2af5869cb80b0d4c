using TrainExplain.Callbacks;
using TrainExplain.Explainers;
using TrainExplain.TensorBoard;
using TrainExplain.Tests.Support;
using TrainExplain.Tests.TensorBoard;
using TrainExplain.Tests.Training;
using TrainExplain.Tests.UserModels;

namespace TrainExplain.Tests.Callbacks;

/// <summary>The callbacks run thousands of times in a long training run: they must free every tensor they make.</summary>
public sealed class CallbackLeakTests
{
    [Fact]
    public void AThousandCallsOfAnExplainerCallbackLeaveEveryTensorCountAtItsBaseline()
    {
        using var model = UserModelZoo.Create("blocks", seed: 60);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        using var images = torch.rand([4, 1, 8, 8]);
        IExplainer[] onePass = [new VanillaGradients(model), new GradientsInputs(model), new GradCam(model), new GradCamPlusPlus(model), new FullGrad(model)];
        using var callback = new ExplainerCallback(onePass, images, Targets.Predicted);
        var context = TrainingFixtures.ContextAt(model, optimizer, 1);
        model.train();
        callback.OnEpochEnd(context);
        var baseline = LiveTensors.Baseline();
        for (var call = 0; call < 1000; call++)
        {
            callback.OnEpochEnd(context);
        }
        baseline.AssertUnchanged();
        Assert.True(model.training);
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void TwoHundredCallsOfAHistogramCallbackLeaveEveryTensorCountAtItsBaseline()
    {
        using var model = UserModelZoo.Create("blocks", seed: 61);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        using (var images = torch.rand([4, 1, 8, 8]))
        using (var loss = model.call(images).sum())
        {
            loss.backward();   // so every parameter has a gradient to histogram too
        }
        using var directory = new TemporaryDirectory();
        using var writer = new TensorBoardWriter(directory.Path);
        var callback = new HistogramCallback(writer);
        callback.OnEpochEnd(TrainingFixtures.ContextAt(model, optimizer, 1));
        var baseline = LiveTensors.Baseline();
        for (var epoch = 2; epoch <= 201; epoch++)
        {
            callback.OnEpochEnd(TrainingFixtures.ContextAt(model, optimizer, epoch));
        }
        baseline.AssertUnchanged();
    }
}
