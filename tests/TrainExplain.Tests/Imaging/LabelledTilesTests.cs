using TrainExplain.Imaging;

namespace TrainExplain.Tests.Imaging;

public sealed class LabelledTilesTests
{
    private static readonly byte[] Green = [40, 180, 60];
    private static readonly byte[] Red = [230, 40, 40];
    private static readonly byte[] Gray = [90, 90, 90];

    [Fact]
    public void Draw_FramesRightGreenWrongRedUnknownGrayAndKeepsThePicture()
    {
        var tile = Gradient(40, 30);
        var labels = new[]
        {
            new TileLabel("Coat", "Coat", 0.9f, null),
            new TileLabel("Coat", "Sandal", 0.6f, "Bag"),
            new TileLabel(null, "Sandal", 0.6f, null),
        };
        var drawn = LabelledTiles.Draw([tile, tile, tile], labels);
        // The longest label has 3 lines of 12 px (+4), the frame is 3 px.
        Assert.All(drawn, d => Assert.Equal((40 + 6, 30 + 40 + 6, 3), (d.Width, d.Height, d.Channels)));
        foreach (var (image, frame) in drawn.Zip([Green, Red, Gray]))
        {
            Assert.Equal(frame, EvolutionFigureTests.Pixel(image, 0, 0));
            Assert.Equal(frame, EvolutionFigureTests.Pixel(image, image.Width - 1, image.Height - 1));
            for (var y = 0; y < tile.Height; y++)
            {
                for (var x = 0; x < tile.Width; x++)
                {
                    Assert.Equal(EvolutionFigureTests.Pixel(tile, x, y), EvolutionFigureTests.Pixel(image, x + 3, y + 3));
                }
            }
            Assert.True(BandInk(image, 30 + 3) > 0, "the label band has text");
        }
        // A third line only where the explained class is shown.
        Assert.True(InkInRows(drawn[1], 33 + 24, 33 + 36) > InkInRows(drawn[0], 33 + 24, 33 + 36));
    }

    /// <summary>Fashion-MNIST's names that a tile's line cuts at 10 px, and ImageNet's longest.</summary>
    public static TheoryData<string> LongNames => new() { "T-shirt/top", "Ankle boot", "American Staffordshire terrier", "soft-coated wheaten terrier" };

    /// <summary>
    /// Issue 24: at the width a 28-pixel tile is drawn (upscaled as the figures do), every line of a class picture's, a
    /// prediction's and a true class's label shows its class name in full, in one or two lines of 7 to 10 px, each as wide
    /// as its room at most, measured in the font the labels are drawn in.
    /// </summary>
    [Theory]
    [MemberData(nameof(LongNames))]
    public void Layout_LongClassNamesFitA28PixelTileInFull(string name)
    {
        var tileWidth = 28 * new RenderOptions().Upscale;
        foreach (var label in new[] { new TileLabel(null, null, 1f, name), new TileLabel("Coat", name, 1f, null), new TileLabel(name, "Coat", 0.5f, null) })
        {
            foreach (var (line, (_, className, _)) in LabelledTiles.Layout(label, tileWidth).Zip(label.Lines()))
            {
                Assert.InRange(line.NameLines.Count, 1, 2);
                Assert.InRange(line.Size, LabelledTiles.MinTextSize, LabelledTiles.TextSize);
                Assert.Equal(className.Replace(" ", "", StringComparison.Ordinal), string.Concat(line.NameLines).Replace(" ", "", StringComparison.Ordinal));
                for (var i = 0; i < line.NameLines.Count; i++)
                {
                    var width = Canvas.MeasureAlone(line.NameLines[i], line.Size);
                    Assert.True(width <= line.RoomOf(i), $"'{line.NameLines[i]}' is {width} px wide at {line.Size} px, its room {line.RoomOf(i)} px");
                }
            }
        }
    }

    [Fact]
    public void FitName_WrapsBeforeItShrinksAndShrinksBeforeItCuts()
    {
        var tileWidth = 28 * new RenderOptions().Upscale;
        var expl = Assert.Single(LabelledTiles.Layout(new TileLabel(null, null, 1f, "Ankle boot"), tileWidth));
        // Beside "100%", "Ankle boot" (about 54 px at 10 px) does not fit its about 50 px: two lines, still at 10 px.
        Assert.Equal(["Ankle", "boot"], expl.NameLines);
        Assert.Equal(LabelledTiles.TextSize, expl.Size);
        Assert.Equal(["T-shirt/", "top"], Assert.Single(LabelledTiles.Layout(new TileLabel(null, null, 1f, "T-shirt/top"), tileWidth)).NameLines);
        // "Staffordshire terrier" (about 98 px at 10 px) needs a smaller size even on the full-width second line.
        var terrier = Assert.Single(LabelledTiles.Layout(new TileLabel(null, null, 1f, "American Staffordshire terrier"), tileWidth));
        Assert.Equal(["American", "Staffordshire terrier"], terrier.NameLines);
        Assert.InRange(terrier.Size, LabelledTiles.MinTextSize, LabelledTiles.TextSize - 0.5f);
        // Too long even in two lines at 7 px: two lines at 7 px, which the drawing cuts.
        var (cutLines, cutSize) = LabelledTiles.FitName("An exceedingly long class name", 20, 30);
        Assert.Equal((2, LabelledTiles.MinTextSize), (cutLines.Count, cutSize));
        // A wrapped name takes one more line in every tile's band.
        var drawn = LabelledTiles.Draw([Gradient(tileWidth, 8), Gradient(tileWidth, 8)], [new TileLabel(null, null, 1f, "Ankle boot"), new TileLabel(null, null, 1f, "Bag")]);
        Assert.All(drawn, d => Assert.Equal(8 + (2 * 12) + 4 + 6, d.Height));
    }

    [Fact]
    public void Draw_ShortensNamesTooLongForTheTile()
    {
        var drawn = LabelledTiles.Draw([Gradient(60, 10)], [new TileLabel("An exceedingly long class name", null, null, null)])[0];
        // Nothing is drawn over the right frame or beyond the band's inner margin.
        for (var y = 13; y < drawn.Height - 3; y++)
        {
            Assert.Equal(Gray, EvolutionFigureTests.Pixel(drawn, drawn.Width - 2, y));
            Assert.Equal([0, 0, 0], EvolutionFigureTests.Pixel(drawn, drawn.Width - 4, y));
        }
    }

    [Fact]
    public void Label_SaysWhetherThePredictionIsRightAndListsItsLines()
    {
        Assert.True(new TileLabel("a", "a", 0.5f, null).IsCorrect);
        Assert.False(new TileLabel("a", "b", 0.5f, null).IsCorrect);
        Assert.Null(new TileLabel(null, "b", 0.5f, null).IsCorrect);
        Assert.Null(new TileLabel(null, null, 0.5f, "c").IsCorrect);
        Assert.Equal([("true", "a", null), ("pred", "b", 0.5f), ("expl", "c", null)], new TileLabel("a", "b", 0.5f, "c").Lines());
        Assert.Equal([("expl", "c", 0.25f)], new TileLabel(null, null, 0.25f, "c").Lines());
        // A note (e.g. a flat map's) comes last, with an empty key.
        Assert.Equal([("pred", "b", 0.5f), ("", "flat map", null)], new TileLabel(null, "b", 0.5f, null) { Note = "flat map" }.Lines());
        Assert.NotEqual(new TileLabel("a", "a", 1, null), new TileLabel("a", "a", 1, null) { Note = "flat map" });
    }

    [Fact]
    public void Draw_RefusesMismatchedCountsAndSizes()
    {
        var label = new TileLabel("a", "a", 1, null);
        Assert.Contains("2 tiles but 1 labels", Assert.Throws<ArgumentException>(() => LabelledTiles.Draw([Gradient(4, 4), Gradient(4, 4)], [label])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => LabelledTiles.Draw([Gradient(4, 4), Gradient(5, 4)], [label, label]));
    }

    internal static Image Gradient(int width, int height) =>
        new(width, height, 3, [.. Enumerable.Range(0, width * height * 3).Select(i => (byte)(i * 7 % 251))]);

    private static int BandInk(Image image, int top) => InkInRows(image, top, image.Height - 3);

    private static int InkInRows(Image image, int top, int bottom)
    {
        var ink = 0;
        for (var y = top; y < bottom; y++)
        {
            for (var x = 3; x < image.Width - 3; x++)
            {
                ink += image[x, y, 0] + image[x, y, 1] + image[x, y, 2];
            }
        }
        return ink;
    }
}
