using TrainExplain.Callbacks;
using TrainExplain.Data;
using TrainExplain.Explainers;
using TrainExplain.TensorBoard;
using TrainExplain.Testing;
using TrainExplain.Tests.Support;
using TrainExplain.Tests.Training;
using TrainExplain.Training;

namespace TrainExplain.Tests.Callbacks;

public sealed class CallbackTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("callbacks").FullName;

    internal static IReadOnlyList<IReadOnlyDictionary<string, double>> Fit(nn.Module<Tensor, Tensor> model, int epochs, params ITrainingCallback[] callbacks)
    {
        using var train = TrainingFixtures.Bars(64, seed: 1);
        using var validation = TrainingFixtures.Bars(32, seed: 2);
        using var optimizer = optim.Adam(model.parameters(), lr: 0.02);
        using var loss = nn.CrossEntropyLoss();
        return Trainer.Fit(model, optimizer, loss, new BatchLoader(train, 16, shuffle: true), new BatchLoader(validation, 16), epochs, callbacks);
    }

    [Fact]
    public void ScalarsAndHistogramsAreLoggedPerEpoch()
    {
        using var model = TrainingFixtures.SmallConvNet();
        using (var writer = new TensorBoardWriter(directory))
        {
            Fit(model, 3, new ScalarsCallback(writer), new HistogramCallback(writer, every: 2));
        }
        var events = EventFileReader.ReadRun(directory).ToList();
        foreach (var tag in new[] { "loss/train", "loss/val", "accuracy/train", "accuracy/val", "learning_rate", "time/epoch_seconds", "throughput/images_per_second" })
        {
            Assert.Equal([1L, 2L, 3L], events.Scalars(tag).Select(s => s.Step));
        }
        Assert.Equal(0.02f, events.Scalars("learning_rate")[0].Value, 6);
        // Issue 24: a unit or a rate in the path gets a readable title; a path that reads well alone gets none.
        Assert.Equal(["Epoch time (s)", "Training images per second", null],
            new[] { "time/epoch_seconds", "throughput/images_per_second", "loss/val" }.Select(tag => events.ValuesOf(tag)[0].Value.DisplayName));
        Assert.Equal([1L, 3L], events.ValuesOf("weights/conv.weight").Select(v => v.Step));
        Assert.Equal([1L, 3L], events.ValuesOf("gradients/fc.bias").Select(v => v.Step));
        Assert.Equal(4 * 9, events.ValuesOf("weights/conv.weight")[0].Value.Histogram!.Count);
    }

    [Fact]
    public void ExplainerCallbackWritesAGridPerEpochAndAPng()
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var validation = TrainingFixtures.Bars(6, seed: 9);
        var (images, labels) = validation.Take(6);
        using var _ = images;
        using var __ = labels;
        var imageFolder = Path.Combine(directory, "images");
        using (var writer = new TensorBoardWriter(directory))
        {
            using var gradCam = new ExplainerCallback(new GradCam(model), images, Targets.Labels(labels), writer, imageFolder, new ExplainerCallbackOptions { WriteSamples = true });
            using var vanilla = new ExplainerCallback(new VanillaGradients(model), images, Targets.Predicted, writer, options: new ExplainerCallbackOptions { Every = 2 });
            Fit(model, 3, gradCam, vanilla);
        }
        var events = EventFileReader.ReadRun(directory).ToList();
        Assert.Equal([1L, 2L, 3L], events.ValuesOf("explain/GradCam").Select(v => v.Step));
        Assert.Equal([1L, 3L], events.ValuesOf("explain/VanillaGradients").Select(v => v.Step));
        Assert.Equal(6, events.ValuesOf("explain/GradCam/samples")[0].Value.Images!.Count);
        // The grid is encoded once: the PNG file holds the very bytes the event file logged.
        var file = Path.Combine(imageFolder, "gradcam", "epoch_003.png");
        Assert.Equal(events.ValuesOf("explain/GradCam")[2].Value.Image!.Encoded, File.ReadAllBytes(file));
        Assert.False(Directory.Exists(Path.Combine(imageFolder, "vanillagradients")), "a callback without an image folder writes no PNG");
    }

    [Fact]
    public void OneCallbackRunsSeveralMethodsSharingTheirGradientPass()
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var validation = TrainingFixtures.Bars(4, seed: 5);
        var (images, labels) = validation.Take(4);
        using var _ = images;
        using var __ = labels;
        IExplainer[] methods = [new VanillaGradients(model), new GradCam(model), new FullGrad(model), new LayerActivations(model)];
        var imageFolder = Path.Combine(directory, "images");
        using (var writer = new TensorBoardWriter(directory))
        {
            using var callback = new ExplainerCallback(methods, images, Targets.Labels(labels), writer, imageFolder);
            Fit(model, 2, callback);
            Assert.Equal(methods.Length, callback.LastElapsed.Count);
            Assert.All(callback.LastElapsed, t => Assert.True(t > TimeSpan.Zero));
        }
        var events = EventFileReader.ReadRun(directory).ToList();
        foreach (var method in methods)
        {
            Assert.Equal($"explain/{method.Name}", ExplainerCallback.TagOf(method));
            Assert.Equal([1L, 2L], events.ValuesOf($"explain/{method.Name}").Select(v => v.Step));
            Assert.Equal([1L, 2L], events.Scalars($"time/explain_ms/{method.Name}").Select(v => v.Step));
            Assert.True(File.Exists(Path.Combine(imageFolder, method.Name.ToLowerInvariant(), "epoch_002.png")));
        }
    }

    [Fact]
    public void ExplainerCallbackKeepsModeAndGradientsAndLeaksNothing()
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var data = TrainingFixtures.Bars(4, seed: 3);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        using var callback = new ExplainerCallback(new IntegratedGradients(model, steps: 8), data.Images, Targets.Labels(data.Labels));
        var context = TrainingFixtures.ContextAt(model, optimizer, 1);
        model.train();
        callback.OnEpochEnd(context);
        var baseline = LiveTensors.Baseline();
        for (var i = 0; i < 20; i++)
        {
            callback.OnEpochEnd(context);
        }
        baseline.AssertUnchanged();
        Assert.True(model.training);
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void CheckpointKeepsLastAndBest()
    {
        using var model = TrainingFixtures.SmallConvNet();
        var folder = Path.Combine(directory, "ckpt");
        // A folder where the old fixed temporary name was: the checkpoint's temporary files must not depend on any name being free.
        Directory.CreateDirectory(Path.Combine(folder, "best.safetensors.tmp"));
        var checkpoints = new CheckpointCallback(folder);
        var history = Fit(model, 3, checkpoints);
        Assert.Equal(["best.safetensors", "last.safetensors"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.Equal(history.Max(h => h[TrainingLogKeys.ValidationAccuracy]), checkpoints.Best);
        using var scope = torch.NewDisposeScope();
        using var restored = TrainingFixtures.SmallConvNet();
        ModelWeights.Load(restored, checkpoints.LastPath);
        Assert.Equal(model.state_dict()["fc.bias"].ToFloats(), restored.state_dict()["fc.bias"].ToFloats());
    }

    [Fact]
    public void ProgressWritesPlainLinesWhenNotATerminal()
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var output = new StringWriter();
        Fit(model, 2, new ProgressCallback(output, interactive: false));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain('\r', output.ToString());
        Assert.Contains(lines, l => l.StartsWith("epoch 1/2  loss ", StringComparison.Ordinal) && l.Contains("val_acc"));
        Assert.Contains(lines, l => l.StartsWith("epoch 2/2 [", StringComparison.Ordinal));
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var images = torch.rand([2, 1, 6, 6]);
        Assert.Throws<ArgumentNullException>(() => new ExplainerCallback(new GradCam(model), null!, Targets.Predicted));
        Assert.Throws<ArgumentException>(() => new ExplainerCallback(Array.Empty<IExplainer>(), images, Targets.Predicted));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExplainerCallback(new GradCam(model), images, Targets.Predicted, options: new ExplainerCallbackOptions { Every = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExplainerCallback(new GradCam(model), images, Targets.Predicted, options: new ExplainerCallbackOptions { FaithfulnessSteps = 0 }));
        Assert.Throws<ArgumentNullException>(() => new ScalarsCallback(null!));
        Assert.Throws<ArgumentNullException>(() => new HistogramCallback(null!));
        using var writer = new TensorBoardWriter(directory);
        Assert.Throws<ArgumentOutOfRangeException>(() => new HistogramCallback(writer, every: 0));
        Assert.Throws<ArgumentException>(() => new CheckpointCallback(""));
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
