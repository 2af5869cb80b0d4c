using TrainExplain.Imaging;

namespace TrainExplain.Tests.Imaging;

public sealed class ImageGridTests
{
    [Fact]
    public void Compose_PlacesTilesRowByRowWithPadding()
    {
        var tiles = new[] { new Image(1, 1, 1, [1]), new Image(1, 1, 1, [2]), new Image(1, 1, 1, [3]) };
        var grid = ImageGrid.Compose(tiles, columns: 2, padding: 1, background: 9);
        // 2 columns x 2 rows of 1x1 tiles: 1 + 2 * (1 + 1) = 5 pixels each way.
        Assert.Equal((5, 5, 1), (grid.Width, grid.Height, grid.Channels));
        Assert.Equal(
            new byte[]
            {
                9, 9, 9, 9, 9,
                9, 1, 9, 2, 9,
                9, 9, 9, 9, 9,
                9, 3, 9, 9, 9,
                9, 9, 9, 9, 9,
            },
            grid.Pixels);
    }

    [Fact]
    public void Compose_WithoutPaddingConcatenatesAndCapsColumns()
    {
        var tiles = new[] { new Image(1, 2, 1, [1, 2]), new Image(1, 2, 1, [3, 4]) };
        var grid = ImageGrid.Compose(tiles, columns: 8, padding: 0, background: 0);
        Assert.Equal(new Image(2, 2, 1, [1, 3, 2, 4]), grid);
    }

    [Fact]
    public void Compose_PromotesMixedChannelsToRgb()
    {
        var grid = ImageGrid.Compose([new Image(1, 1, 1, [5]), new Image(1, 1, 3, [1, 2, 3])], 2, 0, 0);
        Assert.Equal(new Image(2, 1, 3, [5, 5, 5, 1, 2, 3]), grid);
    }

    [Fact]
    public void Compose_RejectsBadInput()
    {
        var tile = new Image(1, 1, 1, [1]);
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose([], 1, 0, 0));
        Assert.Throws<ArgumentNullException>(() => ImageGrid.Compose(null!, 1, 0, 0));
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose([tile, null!], 1, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Compose([tile], 0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Compose([tile], 1, -1, 0));
        var e = Assert.Throws<ArgumentException>(() => ImageGrid.Compose([tile, new Image(2, 1, 1, [1, 2])], 2, 0, 0));
        Assert.Contains("tile 0 is 1x1 but tile 1 is 2x1", e.Message, StringComparison.Ordinal);
    }
}
