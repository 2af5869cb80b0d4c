using TrainExplain.Callbacks;
using TrainExplain.Data;
using TrainExplain.Explainers;
using TrainExplain.Tests.UserModels;
using TrainExplain.Training;

namespace TrainExplain.Tests.Training;

/// <summary>
/// Issue 12, item 2: <see cref="Trainer.Fit"/> takes the model, optimizer, loss, loaders, epochs, callbacks and
/// options, reads the device from the model, and refuses, before any step, a loader on another device and a callback
/// whose explainer explains another model.
/// </summary>
public sealed class FitArgumentsTests
{
    private sealed class DeviceRecorder : ITrainingCallback
    {
        public List<(DeviceType Type, int Index)> Devices { get; } = [];

        public void OnTrainBegin(TrainingContext context) => Devices.Add((context.Device.type, context.Device.index));
    }

    [Fact]
    public void TheDeviceIsTheModels()
    {
        using var run = new SmallRun(16);
        var recorder = new DeviceRecorder();
        run.Fit(1, [recorder]);
        var parameter = run.Model.parameters().First().device;
        Assert.Equal([(parameter.type, parameter.index)], recorder.Devices);
    }

    [Fact]
    public void ALoaderOnAnotherDeviceIsRefusedBeforeAnyStep()
    {
        using var run = new SmallRun(16);
        var before = UserModelExplainerTests.Snapshot(run.Model);
        var meta = new Device(DeviceType.META);
        var recorder = new DeviceRecorder();

        var train = Assert.Throws<ArgumentException>(() => run.Fit(1, [recorder], train: new BatchLoader(run.Data, 8, device: meta)));
        var validation = Assert.Throws<ArgumentException>(() => run.Fit(1, [recorder], validation: new BatchLoader(run.Data, 8, device: meta)));

        Assert.Equal("trainLoader", train.ParamName);
        Assert.Equal("validationLoader", validation.ParamName);
        foreach (var error in new[] { train, validation })
        {
            Assert.Contains("puts its batches on meta but the model is on cpu", error.Message);
        }
        Assert.Empty(recorder.Devices);
        UserModelExplainerTests.AssertSameState(before, run.Model);
    }

    [Fact]
    public void AnExplainerOfAnotherModelIsRefusedBeforeAnyStep()
    {
        using var run = new SmallRun(16);
        using var other = TrainingFixtures.SmallConvNet();
        using var batch = new LabeledBatch(2, seed: 2);
        var before = UserModelExplainerTests.Snapshot(run.Model);
        using var explainers = new ExplainerCallback([new VanillaGradients(run.Model), new GradCam(other) { Name = "OtherCam" }], batch.Images, Targets.Predicted);
        var visualizer = new ClassVisualizationCallback(new ActivationMaximization(other, [0], imageShape: [1, 6, 6], steps: 1));

        var explainerError = Assert.Throws<InvalidOperationException>(() => run.Fit(1, [explainers]));
        var visualizerError = Assert.Throws<InvalidOperationException>(() => run.Fit(1, [visualizer]));

        Assert.Contains("OtherCam explains another model than the one being trained", explainerError.Message);
        Assert.Contains("ActivationMaximization visualizes another model than the one being trained", visualizerError.Message);
        UserModelExplainerTests.AssertSameState(before, run.Model);
    }
}
