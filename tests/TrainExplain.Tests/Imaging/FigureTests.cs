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
