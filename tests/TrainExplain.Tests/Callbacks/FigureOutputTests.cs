using TrainExplain.Callbacks;
using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.TensorBoard;
using TrainExplain.Testing;
using TrainExplain.Tests.Imaging;
using TrainExplain.Tests.TensorBoard;
using TrainExplain.Tests.Training;

namespace TrainExplain.Tests.Callbacks;

/// <summary>Issue 14: the pictures say what they show (labels, frames, caption, colour bar), every tag is described, and each method gets an evolution figure.</summary>
public sealed class FigureOutputTests : IDisposable
{
    private static readonly string[] Names = ["top", "middle", "bottom"];

    private readonly TemporaryDirectory run = new();

    public void Dispose() => run.Dispose();

    [Fact]
    public void TilesAreFramedByWhetherTheFinalModelPredictsTheirLabel()
    {
        torch.manual_seed(81);
        using var model = TrainingFixtures.SmallConvNet();
        using var validation = TrainingFixtures.Bars(6, seed: 9);
        var (images, labels) = validation.Take(6);
        using var _ = images;
        using var __ = labels;
        using (var writer = new TensorBoardWriter(run.Path))
        {
            using var callback = new ExplainerCallback(new GradCam(model), images, Targets.Labels(labels), writer, options: new ExplainerCallbackOptions { ClassNames = Names });
            CallbackTests.Fit(model, 2, callback);
        }
        long[] predicted;
        using (torch.no_grad())
        {
            model.eval();
            using var logits = model.call(images);
            using var argmax = logits.argmax(1);
            predicted = argmax.data<long>().ToArray();
        }
        var figure = ImageFile.Decode(EventFileReader.ReadRun(run.Path).ToList().ValuesOf("explain/GradCam")[^1].Value.Image!.Encoded);
        var truth = labels.data<long>().ToArray();
        // 6x6 inputs upscaled 4x with a 3 px frame: 30 px tiles, 6 to a row, 2 px apart, under the caption, whose
        // epoch, method and 5 parameters wrap onto a second line in the figure's 480 px (20 + 15 px).
        for (var i = 0; i < 6; i++)
        {
            var frame = EvolutionFigureTests.Pixel(figure, 2 + (i * 32), 35 + 2);
            Assert.Equal(predicted[i] == truth[i] ? new byte[] { 40, 180, 60 } : [230, 40, 40], frame);
        }
    }

    [Fact]
    public void EveryTagIsDescribedAndEachMethodGetsAnEvolutionFigureAtTheEnd()
    {
        torch.manual_seed(82);
        using var model = TrainingFixtures.SmallConvNet();
        using var validation = TrainingFixtures.Bars(10, seed: 4);
        var (images, labels) = validation.Take(10);
        using var _ = images;
        using var __ = labels;
        var imageFolder = Path.Combine(run.Path, "images");
        IExplainer[] methods = [new VanillaGradients(model), new LayerActivations(model)];
        using (var writer = new TensorBoardWriter(run.Path))
        {
            using var callback = new ExplainerCallback(methods, images, Targets.Labels(labels), writer, imageFolder,
                new ExplainerCallbackOptions { ClassNames = Names, WriteSamples = true });
            var visualization = new ClassVisualizationCallback(new ActivationMaximization(model, [0, 1, 2], imageShape: [1, 6, 6], steps: 3), writer, imageFolder,
                classNames: Names);
            CallbackTests.Fit(model, 3, new ScalarsCallback(writer), new HistogramCallback(writer), callback, visualization);
        }
        var events = EventFileReader.ReadRun(run.Path).ToList();
        foreach (var tag in events.Tags())
        {
            Assert.False(string.IsNullOrWhiteSpace(events.ValuesOf(tag)[0].Value.Description), $"{tag} has no description");
        }
        Assert.All(events.Tags().Where(t => t.StartsWith("time/explain_ms/", StringComparison.Ordinal) || t.StartsWith("time/faithfulness_ms/", StringComparison.Ordinal)),
            t => Assert.StartsWith("Milliseconds", events.ValuesOf(t)[0].Value.Description, StringComparison.Ordinal));
        foreach (var (name, folder) in new[] { ("VanillaGradients", "vanillagradients"), ("LayerActivations", "layeractivations"), ("ActivationMaximization", "activationmaximization") })
        {
            var evolution = Assert.Single(events.ValuesOf($"explain/{name}/evolution"));
            Assert.Equal(3L, evolution.Step);
            Assert.Contains("one column per explained epoch", evolution.Value.Description, StringComparison.Ordinal);
            Assert.Equal(evolution.Value.Image!.Encoded, File.ReadAllBytes(Path.Combine(imageFolder, folder, "evolution.png")));
        }
        // Vanilla gradients' evolution: 8 of the 10 images, 3 epochs of 24 px cells (6 px inputs enlarged 4x), under header and caption, over the bar;
        // 480 px wide, the caption and the bar's normalization note each wrap onto a second line (15 and 13 px) rather than end in an ellipsis.
        var vanilla = ImageFile.Decode(events.ValuesOf("explain/VanillaGradients/evolution")[0].Value.Image!.Encoded);
        Assert.Equal((480, 20 + 15 + 16 + (8 * 26) + 22 + 13), (vanilla.Width, vanilla.Height));
        Assert.Contains("'pred' the model's prediction", events.ValuesOf("explain/VanillaGradients")[0].Value.Description, StringComparison.Ordinal);
        Assert.Contains("the image's 99th percentile", events.ValuesOf("explain/VanillaGradients")[0].Value.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void ClassNamesMustNameEveryClass()
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var data = TrainingFixtures.Bars(8, seed: 3);
        var blank = Assert.Throws<ArgumentException>(() => new ExplainerCallback(new VanillaGradients(model), data.Images, Targets.Predicted,
            options: new ExplainerCallbackOptions { ClassNames = ["a", " ", "c"] }));
        Assert.Contains("ClassNames[1] is blank", blank.Message, StringComparison.Ordinal);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        using var callback = new ExplainerCallback(new VanillaGradients(model), data.Images, Targets.Labels(data.Labels),
            options: new ExplainerCallbackOptions { ClassNames = ["a"], Faithfulness = false });
        var tooFew = Assert.Throws<ArgumentException>(() => callback.OnEpochEnd(TrainingFixtures.ContextAt(model, optimizer, 1)));
        Assert.Contains("ClassNames has 1 names (classes 0 to 0), but the model's output has class", tooFew.Message, StringComparison.Ordinal);
    }
}
