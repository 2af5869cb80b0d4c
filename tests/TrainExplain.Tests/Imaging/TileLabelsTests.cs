using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.Tests.Support;
using TrainExplain.Tests.Training;

namespace TrainExplain.Tests.Imaging;

/// <summary>The labels under the tiles, shared by the explainer callback and post-training callers (the example's explain command).</summary>
public sealed class TileLabelsTests
{
    private static readonly string[] Names = ["top", "middle", "bottom"];

    [Fact]
    public void ForInputs_GivesTrueClassPredictionItsProbabilityAndTheExplainedClassWhereItDiffers()
    {
        torch.manual_seed(85);
        using var model = TrainingFixtures.SmallConvNet();
        using var data = TrainingFixtures.Bars(6, seed: 5);
        var (images, labels) = data.Take(6);
        using var _ = images;
        using var __ = labels;
        long[] predicted;
        float[] probabilities;
        using (torch.no_grad())
        {
            model.eval();
            using var softmax = model.call(images).softmax(1);
            predicted = softmax.argmax(1).data<long>().ToArray();
            probabilities = [.. predicted.Select((p, i) => softmax[i, p].item<float>())];
        }
        var truth = labels.data<long>().ToArray();
        long[] explained = [0, 1, 2, 0, 1, 2];
        model.train();

        var baseline = LiveTensors.Baseline();
        var tiles = TileLabels.ForInputs(model, images, explained, labels, Names);
        baseline.AssertUnchanged();

        Assert.True(model.training, "the model's mode is restored");
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(Names[truth[i]], tiles[i].TrueClass);
            Assert.Equal(Names[predicted[i]], tiles[i].PredictedClass);
            Assert.Equal(probabilities[i], tiles[i].Probability!.Value, 1e-6f);
            Assert.Equal(explained[i] == truth[i] ? null : Names[explained[i]], tiles[i].ExplainedClass);
        }
        // Without true classes, indices for names, and the explained class said only where it is not the prediction.
        var unlabelled = TileLabels.ForInputs(model, images, predicted.Select((p, i) => i == 0 ? (p + 1) % 3 : p).ToArray());
        Assert.All(unlabelled, t => Assert.Null(t.TrueClass));
        Assert.Equal(predicted.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)), unlabelled.Select(t => t.PredictedClass));
        Assert.Equal(((predicted[0] + 1) % 3).ToString(System.Globalization.CultureInfo.InvariantCulture), unlabelled[0].ExplainedClass);
        Assert.All(unlabelled.Skip(1), t => Assert.Null(t.ExplainedClass));
    }

    [Fact]
    public void ForInputs_RefusesCountsThatDifferAndNamesThatDoNotCoverTheClasses()
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var data = TrainingFixtures.Bars(4, seed: 6);
        var fewer = Assert.Throws<ArgumentException>(() => TileLabels.ForInputs(model, data.Images, [0, 1, 2]));
        Assert.Equal("explained", fewer.ParamName);
        Assert.Contains("4 inputs but 3 explained classes", fewer.Message, StringComparison.Ordinal);
        using var wrongLabels = torch.zeros([3], torch.int64);
        var badLabels = Assert.Throws<ArgumentException>(() => TileLabels.ForInputs(model, data.Images, [0, 1, 2, 0], wrongLabels));
        Assert.Contains("must have shape [4], one per input; got [3]", badLabels.Message, StringComparison.Ordinal);
        var blank = Assert.Throws<ArgumentException>(() => TileLabels.ForInputs(model, data.Images, [0, 1, 2, 0], classNames: ["a", "", "c"]));
        Assert.Contains("classNames[1] is blank", blank.Message, StringComparison.Ordinal);
        var tooFew = Assert.Throws<ArgumentException>(() => TileLabels.ForInputs(model, data.Images, [2, 2, 2, 2], classNames: ["a", "b"]));
        Assert.Contains("classNames has 2 names (classes 0 to 1)", tooFew.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForClassImages_NamesTheClassAndGivesTheProbabilityAfterTheAscent()
    {
        torch.manual_seed(86);
        using var model = TrainingFixtures.SmallConvNet();
        using var pictures = new ActivationMaximization(model, [2, 0], imageShape: [1, 6, 6], steps: 3).Visualize();
        var labels = TileLabels.ForClassImages(pictures, Names);
        var after = ((ClassImages)pictures).ProbabilitiesAfter;
        Assert.Equal([new TileLabel(null, null, after[0], "bottom"), new TileLabel(null, null, after[1], "top")], labels);
    }
}
