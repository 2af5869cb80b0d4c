using TrainExplain.Explainers;
using TrainExplain.Imaging;

namespace TrainExplain.Tests.Explainers;

/// <summary>Issue 14, items 2 and 4: captions and legends say what the pictures are; layer activations are big enough to see.</summary>
public sealed class RenderingTests
{
    [Fact]
    public void LayerActivationsNameTheLayerAndEnlargeSmallMaps()
    {
        torch.manual_seed(90);
        using var model = ExplainerModels.NestedConvNet();
        using var scope = torch.NewDisposeScope();
        using var maps = (ActivationMaps)new LayerActivations(model).Explain(torch.rand([2, 1, 8, 8]), Targets.Predicted);
        var (k, h) = ((int)maps.Raw.size(1), (int)maps.Raw.size(2));
        var columns = (int)Math.Ceiling(Math.Sqrt(k));
        var enlarge = (int)Math.Ceiling(32.0 / h); // at the default upscale 4, every map at least 32 px a side
        var tile = maps.RenderImages()[0];
        Assert.Equal(1 + (columns * ((h * enlarge) + 1)), tile.Width);
        Assert.StartsWith($"LayerActivations, layer {maps.Layer}: {k} channels of {h}x{h} per image, channel c at row c / {columns}", maps.Caption, StringComparison.Ordinal);
        Assert.Equal(("min", "max"), (maps.Legend().Low, maps.Legend().High));
        var small = maps.RenderImages(new RenderOptions(Upscale: 1))[0];
        Assert.Equal(1 + (columns * (Math.Max(1, (int)Math.Ceiling(8.0 / h)) * h + 1)), small.Width);
    }

    [Fact]
    public void AttributionsSayHowTheyWereNormalizedAndLeaveBatchingOutOfTheCaption()
    {
        torch.manual_seed(91);
        using var model = ExplainerModels.NestedConvNet();
        using var scope = torch.NewDisposeScope();
        var x = torch.rand([3, 1, 8, 8]);
        using var gradients = (Attribution)new VanillaGradients(model).Explain(x, Targets.Predicted);
        using var cam = (Attribution)new GradCam(model).Explain(x, Targets.Predicted);
        Assert.Equal("per image: 0 = no saliency, 1 = the image's 99th percentile or more", gradients.Normalization);
        Assert.Equal("per image: 0 = its minimum, 1 = its maximum", cam.Normalization);
        Assert.Equal(Colormap.Viridis, gradients.Legend(new RenderOptions(Colormap.Viridis)).Colormap);
        Assert.Equal("VanillaGradients (score: logit, targets: predicted)", gradients.Caption);
        var labels = Enumerable.Range(0, 3).Select(i => new TileLabel(null, $"{gradients.Targets[i]}", 0.5f, null)).ToList();
        var figure = gradients.RenderFigure(labels, options: new RenderOptions(Upscale: 2));
        // Three 16 px tiles in one row, each framed (3 px a side) over one label line (12 + 4 px): 16 + 16 + 6 = 38 px, padded 2 px;
        // the colour bar's note wraps onto a second line (13 px) in the figure's 480 px.
        Assert.Equal(20 + 2 + (16 + 16 + 6) + 2 + 22 + 13, figure.Height);
        Assert.Throws<ArgumentException>(() => gradients.RenderFigure(labels.Take(2).ToList()));
    }

    /// <summary>Issue 22, item 4: a figure draws at most <see cref="RenderOptions.FigureTiles"/> tiles and its caption says so.</summary>
    [Fact]
    public void AFigureOfManyImagesShowsTheFirstFigureTilesAndSaysHowManyOfHowMany()
    {
        torch.manual_seed(92);
        using var model = ExplainerModels.NestedConvNet();
        using var scope = torch.NewDisposeScope();
        var x = torch.rand([10, 1, 8, 8]);
        using var all = (Attribution)new VanillaGradients(model).Explain(x, Targets.Predicted);
        using var first = (Attribution)new VanillaGradients(model).Explain(x.narrow(0, 0, 4), Targets.Predicted);
        var options = new RenderOptions(Upscale: 2) { FigureTiles = 4 };
        var labels = all.Targets.Select(t => new TileLabel(null, $"{t}", 0.5f, null)).ToList();

        var figure = all.RenderFigure(labels, "ten images", options);

        // The same pixels as the figure of the first four images alone, with the count in its caption.
        Assert.Equal(first.RenderFigure(labels[..4], "ten images (the first 4 of 10 images shown)", options), figure);
        Assert.Equal(figure, all.ComposeFigure(all.RenderImages(options), labels, "ten images", options));
        Assert.Equal(64, new RenderOptions().FigureTiles);
        Assert.Equal((64, 10), (new RenderOptions().FigureTilesOf(100), new RenderOptions().FigureTilesOf(10)));
        Assert.Contains("FigureTiles", Assert.Throws<ArgumentOutOfRangeException>(() => new RenderOptions { FigureTiles = 0 }).Message, StringComparison.Ordinal);
    }
}
