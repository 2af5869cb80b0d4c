using TrainExplain.Explainers;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Explainers;

/// <summary>
/// Activation maximization's parts (issue 14, item 7): the Fourier parameterization, the random zoom and shift, the
/// reference image, and the whole being deterministic given a seed and independent of the internal batch size.
/// </summary>
public sealed class ActivationMaximizationTests
{
    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"at {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    /// <summary>The spectrum of an image gives the image back, for even and odd sizes, within float32 rounding.</summary>
    [Theory]
    [InlineData(28, 28)]
    [InlineData(7, 9)]
    public void FourierSpectrumOfAnImageGivesTheImageBack(int height, int width)
    {
        torch.manual_seed(90);
        using var scope = torch.NewDisposeScope();
        var image = torch.randn([2, 3, height, width]);
        var scale = FourierParameterization.Scale(height, width, 1.5, torch.CPU);
        var spectrum = FourierParameterization.ToSpectrum(image, scale);
        Assert.Equal(FourierParameterization.SpectrumShape([2, 3], height, width), spectrum.shape);
        AssertClose(image.ToDoubles(), FourierParameterization.ToImage(spectrum, scale, height, width).ToDoubles(), 1e-5);
    }

    /// <summary>
    /// The scale is 1 / max(f, 1/max(H, W))^decay over its largest value: 1 at the constant and the lowest frequency,
    /// (2/28)^1.5 at the horizontal Nyquist frequency 1/2 of a 28 x 28 image, (sqrt(2)/28 / (1/28))^-1.5 on the diagonal.
    /// </summary>
    [Fact]
    public void FourierScaleFallsAsOneOverFrequencyToTheDecay()
    {
        using var scope = torch.NewDisposeScope();
        var scale = FourierParameterization.Scale(28, 28, 1.5, torch.CPU);
        Assert.Equal([28L, 15], scale.shape);
        var values = scale.ToDoubles();
        // float32 values: within 1e-6.
        AssertClose([1, 1, 1, Math.Pow(2.0 / 28, 1.5), Math.Pow(Math.Sqrt(2), -1.5), 1], [values[0], values[1], values[15], values[14], values[16], values.Max()], 1e-6);
    }

    /// <summary>No zoom and no shift leave the images as they are; a shift moves them by whole pixels and fills with the fill value.</summary>
    [Fact]
    public void ScaleShiftKeepsShapesAndShiftsByWholePixels()
    {
        torch.manual_seed(91);
        using var scope = torch.NewDisposeScope();
        var images = torch.rand([2, 1, 6, 7]);
        var same = RandomScaleShift.Apply(images, [new(1, 0, 0), new(1, 0, 0)], fill: 0.25);
        AssertClose(images.ToDoubles(), same.ToDoubles(), 1e-6);
        var moved = RandomScaleShift.Apply(images, [new(1, 1, 2), new(1, -1, 0)], fill: 0.25);
        Assert.Equal(images.shape, moved.shape);
        var expected = torch.full([2, 1, 6, 7], 0.25);
        expected[0, 0, TensorIndex.Slice(1), TensorIndex.Slice(2)] = images[0, 0, TensorIndex.Slice(0, 5), TensorIndex.Slice(0, 5)];
        expected[1, 0, TensorIndex.Slice(0, 5)] = images[1, 0, TensorIndex.Slice(1)];
        AssertClose(expected.ToDoubles(), moved.ToDoubles(), 1e-6);
    }

    /// <summary>A zero spectrum draws the reference, mapped through the range's logit and back; values at the ends are kept 2% inside.</summary>
    [Fact]
    public void ZeroSpectrumDrawsTheReferenceInsideTheRange()
    {
        using var scope = torch.NewDisposeScope();
        var reference = torch.tensor(new float[] { -1, -0.5f, 0, 0.5f, 1, 0.9f }, [1, 2, 3]);
        var canvas = new SpectrumCanvas(reference, FourierParameterization.Scale(2, 3, 1.5, torch.CPU), low: -1, high: 1);
        var image = canvas.Image(torch.zeros(FourierParameterization.SpectrumShape([4, 1], 2, 3)));
        Assert.Equal([4L, 1, 2, 3], image.shape);
        AssertClose([.. Enumerable.Repeat(new[] { -0.96, -0.5, 0, 0.5, 0.96, 0.9 }, 4).SelectMany(v => v)], image.ToDoubles(), 1e-6);
    }

    /// <summary>The same seed gives the same images bit for bit, another seed others, and B = 1 the same as B = 256.</summary>
    [Fact]
    public void ImagesDependOnTheSeedOnlyNotOnTheInternalBatchSize()
    {
        torch.manual_seed(92);
        using var model = ExplainerModels.NestedConvNet();
        double[] Images(long seed, int internalBatchSize)
        {
            using var explanation = (ClassImages)new ActivationMaximization(model, [0, 1, 2], imageShape: [1, 8, 8], steps: 12, seed: seed,
                internalBatchSize: internalBatchSize).Visualize();
            return explanation.Images.ToDoubles();
        }
        var first = Images(3, 256);
        Assert.Equal(first, Images(3, 256));
        AssertClose(first, Images(3, 1), 1e-5);
        Assert.True(first.Zip(Images(4, 256)).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
    }

    /// <summary>The ascent starts at the reference: the scores before are the model's at the reference, up to the start spectrum's spread.</summary>
    [Fact]
    public void AscentStartsFromTheReferenceImage()
    {
        torch.manual_seed(93);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var reference = 0.1 + (0.8 * torch.rand([1, 8, 8]));
        using var explanation = (ClassImages)new ActivationMaximization(model, [0, 2], imageShape: [1, 8, 8], steps: 1, reference: reference).Visualize();
        using var noGrad = torch.no_grad();
        model.eval();
        var logits = model.call(reference.unsqueeze(0)).ToDoubles();
        Assert.Equal("given", explanation.Parameters["reference"]);
        AssertClose([logits[0], logits[2]], [.. explanation.ScoresBefore.Select(s => (double)s)], 1e-2);
    }

    /// <summary>A reference of another shape or outside the range, a negative decay or a zoom of 1 or more are refused by name.</summary>
    [Fact]
    public void BadReferenceDecayOrZoomIsRefusedByName()
    {
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var shape = Assert.Throws<ArgumentException>(() => new ActivationMaximization(model, [0], imageShape: [1, 8, 8], reference: torch.zeros([1, 8, 7])));
        Assert.Equal("reference", shape.ParamName);
        Assert.Contains("[1, 8, 8]", shape.Message);
        var range = Assert.Throws<ArgumentException>(() => new ActivationMaximization(model, [0], imageShape: [1, 8, 8], reference: torch.full([1, 8, 8], 1.5)));
        Assert.Equal("reference", range.ParamName);
        Assert.Contains("[0, 1]", range.Message);
        Assert.Equal("decay", Assert.Throws<ArgumentException>(() => new ActivationMaximization(model, [0], decay: -1)).ParamName);
        Assert.Equal("zoom", Assert.Throws<ArgumentException>(() => new ActivationMaximization(model, [0], zoom: 1)).ParamName);
    }

    /// <summary>
    /// On y = W x with class 0's weights all 5 (p = 1 from the start) and classes 1 and 2 all 0 (p of class 1 stays
    /// below 1/2), a stop at 0.99 ends class 0 at the first check (step 10) while class 1 runs all 30 steps: each
    /// class's image is the one its steps alone make, whatever the other class did, and the passes are the longest's.
    /// </summary>
    [Fact]
    public void AReachedClassStopsAtTheNextCheckAndTheOthersTakeEveryStep()
    {
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.Linear([.. Enumerable.Repeat(5f, 64), .. new float[128]], [0, 0, 0], 3);
        ClassImages Run(int steps, double? stop, int internalBatchSize = 256) =>
            (ClassImages)new ActivationMaximization(model, [0, 1], imageShape: [1, 8, 8], steps: steps, stopProbability: stop, internalBatchSize: internalBatchSize).Visualize();
        using var stopped = Run(30, 0.99);
        using var chunked = Run(30, 0.99, internalBatchSize: 1);
        using var tenSteps = Run(ActivationMaximization.StopCheckInterval, null);
        using var thirtySteps = Run(30, null);
        Assert.Equal("10,30", stopped.Parameters["steps_taken"]);
        Assert.Equal("0.99", stopped.Parameters["stop_probability"]);
        Assert.Equal(30, stopped.Passes);
        Assert.Equal("30,30", thirtySteps.Parameters["steps_taken"]);
        Assert.Equal("none", thirtySteps.Parameters["stop_probability"]);
        AssertClose(tenSteps.Images[0].ToDoubles(), stopped.Images[0].ToDoubles(), 1e-6);
        AssertClose(thirtySteps.Images[1].ToDoubles(), stopped.Images[1].ToDoubles(), 1e-6);
        AssertClose(stopped.Images.ToDoubles(), chunked.Images.ToDoubles(), 1e-6);
        Assert.True(stopped.ProbabilitiesAfter[0] >= 0.99 && stopped.ProbabilitiesAfter[1] < 0.5, string.Join(", ", stopped.ProbabilitiesAfter));
    }

    /// <summary>A stop probability outside (0, 1] is refused by name.</summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void AStopProbabilityOutsideZeroToOneIsRefusedByName(double stop)
    {
        using var model = ExplainerModels.NestedConvNet();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ActivationMaximization(model, [0], stopProbability: stop));
        Assert.Equal("stopProbability", e.ParamName);
        Assert.Contains("(0, 1]", e.Message);
    }

    /// <summary>
    /// Continue starts each class at its previous image (the spectrum is recovered from it): the scores before are the
    /// previous scores after, up to float32 rounding through the FFT; it runs the steps asked and says so.
    /// </summary>
    [Fact]
    public void ContinueStartsFromThePreviousImages()
    {
        torch.manual_seed(94);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var visualizer = new ActivationMaximization(model, [0, 2], imageShape: [1, 8, 8], steps: 6);
        using var previous = (ClassImages)visualizer.Visualize();
        using var next = (ClassImages)visualizer.Continue(previous, steps: 3);
        AssertClose([.. previous.Scores.Select(s => (double)s)], [.. next.ScoresBefore.Select(s => (double)s)], 1e-4);
        Assert.Equal("reference", previous.Parameters["start"]);
        Assert.Equal("previous images", next.Parameters["start"]);
        Assert.Equal("3", next.Parameters["steps"]);
        Assert.Equal("3,3", next.Parameters["steps_taken"]);
        Assert.Equal(3, next.Passes);
    }

    /// <summary>Continue refuses images of other classes or another shape, and no steps, by name.</summary>
    [Fact]
    public void ContinueRefusesAnotherVisualizersImagesByName()
    {
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var visualizer = new ActivationMaximization(model, [0, 2], imageShape: [1, 8, 8], steps: 1);
        using var others = (ClassImages)new ActivationMaximization(model, [0, 1], imageShape: [1, 8, 8], steps: 1).Visualize();
        using var own = (ClassImages)visualizer.Visualize();
        var e = Assert.Throws<ArgumentException>(() => visualizer.Continue(others, 2));
        Assert.Equal("previous", e.ParamName);
        Assert.Contains("classes 0,2", e.Message);
        Assert.Equal("steps", Assert.Throws<ArgumentOutOfRangeException>(() => visualizer.Continue(own, 0)).ParamName);
    }
}
