using TrainExplain.Callbacks;
using TrainExplain.Explainers;
using TrainExplain.TensorBoard;
using TrainExplain.Testing;
using TrainExplain.Tests.Explainers;
using TrainExplain.Tests.TensorBoard;
using TrainExplain.Tests.Training;

namespace TrainExplain.Tests.Callbacks;

/// <summary>
/// Issue 12, item 1: every explainer instance has a display name, its tag is <c>explain/&lt;Name&gt;</c> and its PNG
/// folder derives from the tag, so two methods of one type never write the same tag or file; identical names or tags
/// in one run are refused with a clear error.
/// </summary>
public sealed class NamesAndTagsTests : IDisposable
{
    private readonly TemporaryDirectory run = new();

    private string Folder => run.Path;

    public void Dispose() => run.Dispose();

    [Fact]
    public void TwoGradCamsOnDifferentLayersWriteTheirOwnTagsAndFolders()
    {
        torch.manual_seed(70);
        using var model = ExplainerModels.NestedConvNet();
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        using var images = torch.rand([3, 1, 8, 8]);
        IExplainer[] methods = [new GradCam(model, layer: "features.conv1"), new GradCam(model, layer: "features.conv2"), new GradCam(model)];
        Assert.Equal(["GradCam[features.conv1]", "GradCam[features.conv2]", "GradCam"], methods.Select(m => m.Name));
        var imageFolder = Path.Combine(Folder, "images");
        using (var writer = new TensorBoardWriter(Folder))
        {
            using var callback = new ExplainerCallback(methods, images, Targets.Predicted, writer, imageFolder);
            callback.OnEpochEnd(TrainingFixtures.ContextAt(model, optimizer, 1));
            callback.OnEpochEnd(TrainingFixtures.ContextAt(model, optimizer, 2));
        }

        var events = EventFileReader.ReadRun(Folder).ToList();
        string[] folders = ["gradcam-features.conv1", "gradcam-features.conv2", "gradcam"];
        for (var i = 0; i < methods.Length; i++)
        {
            var logged = events.ValuesOf($"explain/{methods[i].Name}");
            Assert.Equal([1L, 2L], logged.Select(v => v.Step));
            Assert.Equal(folders[i], Directory.GetParent(PngOf(imageFolder, folders[i], 2))!.Name);
            Assert.Equal(logged[1].Value.Image!.Encoded, File.ReadAllBytes(PngOf(imageFolder, folders[i], 2)));
        }
        Assert.Equal(folders.Order(), Directory.GetDirectories(imageFolder).Select(Path.GetFileName).Order());
        // conv1's map differs from conv2's: the two grids are two pictures, not one logged twice.
        Assert.NotEqual(File.ReadAllBytes(PngOf(imageFolder, folders[0], 1)), File.ReadAllBytes(PngOf(imageFolder, folders[1], 1)));
    }

    [Theory]
    [InlineData("explain/GradCam", "gradcam")]
    [InlineData("explain/GradCam[conv1]", "gradcam-conv1")]
    [InlineData("explain/GradCam[features.conv2]", "gradcam-features.conv2")]
    [InlineData("explain/my method/v2", "my_method_v2")]
    public void TheFolderDerivesFromTheTag(string tag, string folder) => Assert.Equal(folder, ExplanationOutputs.FolderOf(tag));

    [Fact]
    public void AGivenNameReplacesTheDefaultInTheTagAndTheFolder()
    {
        using var model = ExplainerModels.NestedConvNet();
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        using var images = torch.rand([2, 1, 8, 8]);
        var late = new GradCam(model) { Name = "LateCam" };
        var imageFolder = Path.Combine(Folder, "images");
        using (var writer = new TensorBoardWriter(Folder))
        {
            using var callback = new ExplainerCallback([late, new GradCam(model)], images, Targets.Predicted, writer, imageFolder);
            callback.OnEpochEnd(TrainingFixtures.ContextAt(model, optimizer, 1));
        }
        var events = EventFileReader.ReadRun(Folder).ToList();
        Assert.Equal(["explain/GradCam", "explain/LateCam"], events.Tags().Where(t => t.StartsWith("explain/", StringComparison.Ordinal)).Order());
        Assert.True(File.Exists(PngOf(imageFolder, "latecam", 1)));
        Assert.Throws<ArgumentException>(() => new GradCam(model) { Name = " " });
    }

    [Fact]
    public void TwoMethodsWithOneNameAreRefusedByTheSetAndTheCallback()
    {
        using var model = ExplainerModels.NestedConvNet();
        using var images = torch.rand([2, 1, 8, 8]);
        var set = Assert.Throws<ArgumentException>(() => new ExplainerSet([new VanillaGradients(model), new GradCam(model), new VanillaGradients(model, ScoreKind.Probability)]));
        Assert.Contains("'VanillaGradients'", set.Message);
        Assert.Contains("Name =", set.Message);
        var callback = Assert.Throws<ArgumentException>(() => new ExplainerCallback([new GradCam(model), new GradCam(model)], images, Targets.Predicted));
        Assert.Contains("'GradCam'", callback.Message);
        // Renamed, the same two methods are welcome.
        Assert.Equal(2, new ExplainerSet([new VanillaGradients(model), new VanillaGradients(model, ScoreKind.Probability) { Name = "VanillaGradients[probability]" }]).Explainers.Count);
    }

    [Fact]
    public void TwoCallbacksWritingOneTagToOneWriterAreRefusedAtConstruction()
    {
        using var model = ExplainerModels.NestedConvNet();
        using var images = torch.rand([2, 1, 8, 8]);
        using var writer = new TensorBoardWriter(Folder);
        using var first = new ExplainerCallback(new VanillaGradients(model), images, Targets.Predicted, writer);

        var again = Assert.Throws<ArgumentException>(() => new ExplainerCallback([new GradCam(model), new VanillaGradients(model)], images, Targets.Labels(torch.tensor(new long[] { 0, 1 })), writer));
        Assert.Contains("'explain/VanillaGradients'", again.Message);
        Assert.Contains("already written", again.Message);
        var visualizer = new ActivationMaximization(model, [0], imageShape: [1, 8, 8], steps: 1) { Name = "VanillaGradients" };
        Assert.Contains("'explain/VanillaGradients'", Assert.Throws<ArgumentException>(() => new ClassVisualizationCallback(visualizer, writer)).Message);

        // Another name, or another writer (another run), is fine; a refused callback claimed nothing.
        using var renamed = new ExplainerCallback(new VanillaGradients(model) { Name = "Saliency" }, images, Targets.Predicted, writer);
        using var gradCam = new ExplainerCallback(new GradCam(model), images, Targets.Predicted, writer);
        using var otherRun = new TensorBoardWriter(Path.Combine(Folder, "other"));
        using var elsewhere = new ExplainerCallback(new VanillaGradients(model), images, Targets.Predicted, otherRun);
    }

    private static string PngOf(string imageFolder, string folder, int epoch) => Path.Combine(imageFolder, folder, $"epoch_{epoch:D3}.png");
}
