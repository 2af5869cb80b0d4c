using TrainExplain.Imaging;

namespace TrainExplain.Tests.Imaging;

public sealed class FigureTests
{
    [Fact]
    public void Compose_PutsTheCaptionAboveTheGridAndTheColourBarBelow()
    {
        var tiles = Enumerable.Range(0, 10).Select(_ => LabelledTilesTests.Gradient(112, 40)).ToList();
        var figure = Figure.Compose(tiles, "GradCam (targets: labels)", new ColorLegend(Colormap.Jet, "0", "1", "per image"), maxColumns: 8, padding: 2);
        var grid = ImageGrid.Compose(tiles, columns: 5, padding: 2, background: 0); // 10 tiles: 2 rows of 5
        Assert.Equal((Math.Max(grid.Width, 480), 20 + grid.Height + 22), (figure.Width, figure.Height));
        for (var y = 0; y < grid.Height; y++)
        {
            for (var x = 0; x < grid.Width; x++)
            {
                Assert.Equal(EvolutionFigureTests.Pixel(grid, x, y), EvolutionFigureTests.Pixel(figure, x, y + 20));
            }
        }
        Assert.True(Ink(figure, 0, 20) > 0, "the caption is drawn");
        // The bar runs through the colormap: its first and last colors are on the legend's middle row.
        var row = Enumerable.Range(0, figure.Width).Select(x => EvolutionFigureTests.Pixel(figure, x, 20 + grid.Height + 3 + 6)).ToList();
        var (low, high) = (Colormap.Jet.Map(0), Colormap.Jet.Map(1));
        Assert.Contains(row, p => p.SequenceEqual(new[] { low.R, low.G, low.B }));
        Assert.Contains(row, p => p.SequenceEqual(new[] { high.R, high.G, high.B }));
    }

    [Fact]
    public void Compose_WithoutLegendHasNoBarAndRefusesNoTiles()
    {
        var figure = Figure.Compose([LabelledTilesTests.Gradient(600, 10)], "x", legend: null, maxColumns: 8, padding: 0);
        Assert.Equal((600, 30), (figure.Width, figure.Height));
        Assert.Throws<ArgumentException>(() => Figure.Compose([], "x", null, 8, 0));
    }

    [Fact]
    public void Wrap_BreaksAtSpacesIntoLinesThatFitAndSplitsOnlyAWordWiderThanALine()
    {
        const string caption = "IntegratedGradients over training: rows = the first 8 images, columns = 3 of 3 explained epochs";
        var lines = Canvas.Wrap(caption, Figure.CaptionSize, 472);
        Assert.Equal(2, lines.Count);
        Assert.Equal(caption, string.Join(' ', lines));
        Assert.All(lines, line => Assert.InRange(Canvas.MeasureAlone(line, Figure.CaptionSize), 1, 472));
        Assert.Equal([caption], Canvas.Wrap(caption, Figure.CaptionSize, float.PositiveInfinity));

        var word = new string('W', 40);
        var pieces = Canvas.Wrap($"a {word}", 10, 60);
        Assert.Equal("a", pieces[0]);
        Assert.Equal(word, string.Concat(pieces.Skip(1)));
        Assert.All(pieces, piece => Assert.True(Canvas.MeasureAlone(piece, 10) <= 60, piece));
        Assert.True(pieces.Count > 3);
    }

    [Fact]
    public void Frame_WrapsANarrowFiguresCaptionAndNormalizationNoteInsteadOfCuttingThem()
    {
        // The evolution figure of 3 epochs: narrower than 480 px, so the figure is 480 px wide and the texts need 2 lines.
        const string caption = "IntegratedGradients over training: rows = the first 8 images, columns = 3 of 3 explained epochs";
        var legend = new ColorLegend(Colormap.Jet, "0", "1", "heat, per image: 0 = no saliency, 1 = the image's 99th percentile of |saliency|");
        var body = LabelledTilesTests.Gradient(178, 50);
        var figure = Figure.Frame(body, caption, legend);
        // Caption 20 px + a 15 px second line, then the body, then the 22 px legend + a 13 px second note line.
        Assert.Equal((480, 20 + 15 + 50 + 22 + 13), (figure.Width, figure.Height));
        Assert.True(Ink(figure, 20, 35) > 0, "the caption's second line is drawn");
        Assert.Equal(EvolutionFigureTests.Pixel(body, 0, 0), EvolutionFigureTests.Pixel(figure, 0, 35));
        Assert.Equal(EvolutionFigureTests.Pixel(body, 177, 49), EvolutionFigureTests.Pixel(figure, 177, 35 + 49));
        Assert.True(Ink(figure, 35 + 50 + 22, figure.Height) > 0, "the note's second line is drawn");

        var oneLine = Figure.Frame(body, "short", legend with { Normalization = "per image" });
        Assert.Equal(20 + 50 + 22, oneLine.Height);
    }

    [Fact]
    public void LabelFont_IsDejaVuSansAndFallsBackWithAWarningNamingThePackage()
    {
        var warnings = new List<string>();
        Assert.Equal("DejaVu Sans", LabelFont.Load(LabelFont.DejaVuSansPath, LabelFont.DejaVuSans, warnings.Add).FamilyName);
        Assert.Empty(warnings);
        var fallback = LabelFont.Load("/nonexistent/font.ttf", "No Such Family 12345", warnings.Add);
        Assert.NotNull(fallback);
        Assert.Contains("fonts-dejavu-core", Assert.Single(warnings), StringComparison.Ordinal);
    }

    private static int Ink(Image image, int top, int bottom)
    {
        var ink = 0;
        for (var y = top; y < bottom; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                ink += image[x, y, 0];
            }
        }
        return ink;
    }
}
