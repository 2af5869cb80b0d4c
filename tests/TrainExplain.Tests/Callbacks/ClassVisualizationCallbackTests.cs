using TrainExplain.Callbacks;
using TrainExplain.Explainers;
using TrainExplain.TensorBoard;
using TrainExplain.Testing;
using TrainExplain.Tests.Support;
using TrainExplain.Tests.TensorBoard;
using TrainExplain.Tests.Training;

namespace TrainExplain.Tests.Callbacks;

/// <summary>
/// Issue 12, item 5: activation maximization explains classes, not inputs; it is an <see cref="IClassVisualizer"/>,
/// which <see cref="ClassVisualizationCallback"/> runs during training with no input batch.
/// </summary>
public sealed class ClassVisualizationCallbackTests : IDisposable
{
    private readonly TemporaryDirectory run = new();

    private string Folder => run.Path;

    public void Dispose() => run.Dispose();

    [Fact]
    public void ActivationMaximizationRunsDuringTrainingWithoutInputs()
    {
        torch.manual_seed(73);
        using var model = TrainingFixtures.SmallConvNet();
        IClassVisualizer visualizer = new ActivationMaximization(model, [0, 1, 2], imageShape: [1, 6, 6], steps: 5);
        Assert.False(visualizer is IExplainer, "a class visualizer is not an input explainer");
        var imageFolder = Path.Combine(Folder, "images");
        using (var writer = new TensorBoardWriter(Folder))
        {
            var callback = new ClassVisualizationCallback(visualizer, writer, imageFolder, every: 2);
            Assert.Equal("explain/ActivationMaximization", callback.Tag);
            CallbackTests.Fit(model, 3, callback);
        }

        var events = EventFileReader.ReadRun(Folder).ToList();
        var grids = events.ValuesOf("explain/ActivationMaximization");
        Assert.Equal([1L, 3L], grids.Select(g => g.Step));
        Assert.Equal([1L, 3L], events.Scalars("time/explain_ms/ActivationMaximization").Select(s => s.Step));
        Assert.All(events.Scalars("time/explain_ms/ActivationMaximization"), s => Assert.True(s.Value > 0));
        Assert.Contains("one synthesized image per class (0, 1, 2)", grids[0].Value.Description);
        Assert.Equal(grids[1].Value.Image!.Encoded, File.ReadAllBytes(Path.Combine(imageFolder, "activationmaximization", "epoch_003.png")));
        Assert.Equal(["epoch_001.png", "epoch_003.png", "evolution.png"], Directory.GetFiles(Path.Combine(imageFolder, "activationmaximization")).Select(Path.GetFileName).Order());
        Assert.Equal([3L], events.ValuesOf("explain/ActivationMaximization/evolution").Select(v => v.Step));
        Assert.DoesNotContain(events.Tags(), t => t.StartsWith("faithfulness/", StringComparison.Ordinal));
    }

    [Fact]
    public void VisualizeGivesOnePicturePerClassAndLeavesNothingBehind()
    {
        torch.manual_seed(74);
        using var model = TrainingFixtures.SmallConvNet();
        var visualizer = new ActivationMaximization(model, [2, 0], imageShape: [1, 6, 6], steps: 3) { Name = "Dreams" };
        visualizer.Visualize().Dispose();
        var baseline = LiveTensors.Baseline();
        using (var pictures = (ClassImages)visualizer.Visualize())
        {
            Assert.Equal("Dreams", pictures.Method);
            Assert.Equal([2L, 0], pictures.Targets);
            Assert.Equal([2L, 1, 6, 6], pictures.Images.shape);
            Assert.True(pictures.Elapsed > TimeSpan.Zero);
            Assert.Equal("3", pictures.Parameters["steps"]);
        }
        baseline.AssertUnchanged();
    }

    /// <summary>
    /// Warm start (the default) against none, on the same seeded training: the first epoch's pictures are the same (both
    /// start from the reference), the later ones differ (the warm run continued from the previous pictures with a
    /// quarter of the steps, its caption says steps 2), and the kept pictures are freed at the end of training.
    /// </summary>
    [Fact]
    public void WarmStartContinuesFromThePreviousPicturesAfterTheFirstEpoch()
    {
        byte[][] Pictures(bool warmStart)
        {
            torch.manual_seed(75);
            using var model = TrainingFixtures.SmallConvNet();
            var visualizer = new ActivationMaximization(model, [0, 1], imageShape: [1, 6, 6], steps: 8);
            var folder = Path.Combine(Folder, warmStart ? "warm" : "cold");
            var callback = new ClassVisualizationCallback(visualizer, imageFolder: folder, warmStart: warmStart);
            Assert.Equal(warmStart, callback.WarmStart);
            var baseline = LiveTensors.Baseline();
            CallbackTests.Fit(model, 3, callback);
            baseline.AssertUnchanged();
            return [.. Enumerable.Range(1, 3).Select(epoch => File.ReadAllBytes(Path.Combine(folder, "activationmaximization", $"epoch_{epoch:D3}.png")))];
        }
        var (warm, cold) = (Pictures(warmStart: true), Pictures(warmStart: false));
        Assert.Equal(cold[0], warm[0]);
        Assert.NotEqual(cold[1], warm[1]);
        Assert.NotEqual(cold[2], warm[2]);
    }

    [Fact]
    public void WarmStepsMustBePositive()
    {
        using var model = TrainingFixtures.SmallConvNet();
        var visualizer = new ActivationMaximization(model, [0], imageShape: [1, 6, 6], steps: 8);
        Assert.Equal("warmSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new ClassVisualizationCallback(visualizer, warmSteps: 0)).ParamName);
    }
}
