using TrainExplain.Imaging;

namespace TrainExplain.Tests.Imaging;

public sealed class GridLayoutTests
{
    [Theory]
    [InlineData(10, 8, 112, 5)] // activation maximization's 10 classes: 2 rows of 5, not 8 + 2
    [InlineData(16, 8, 112, 8)]
    [InlineData(8, 8, 112, 8)]
    [InlineData(5, 8, 112, 5)]
    [InlineData(9, 8, 112, 5)]
    [InlineData(17, 8, 112, 6)]
    [InlineData(1, 8, 112, 1)]
    [InlineData(16, 8, 275, 4)] // 275 px blocks: at most 1600 / 275 = 5 a row, so 4 rows of 4
    [InlineData(3, 8, 5000, 1)] // wider than the limit alone: one a row
    public void Columns_FillTheFewestRowsEvenly(int count, int maxColumns, int tileWidth, int expected)
    {
        var columns = GridLayout.Columns(count, maxColumns, tileWidth);
        Assert.Equal(expected, columns);
        var rows = (count + columns - 1) / columns;
        Assert.True((rows * columns) - count < rows, "no more empty cells than rows");
    }

    [Theory]
    [InlineData(0, 8, 1)]
    [InlineData(1, 0, 1)]
    [InlineData(1, 8, 0)]
    public void Columns_RefuseCountsBelowOne(int count, int maxColumns, int tileWidth) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GridLayout.Columns(count, maxColumns, tileWidth));
}
