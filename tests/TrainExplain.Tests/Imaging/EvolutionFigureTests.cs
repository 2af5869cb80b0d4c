using TrainExplain.Imaging;

namespace TrainExplain.Tests.Imaging;

public sealed class EvolutionFigureTests
{
    [Theory]
    [InlineData(1, new[] { 0 })]
    [InlineData(3, new[] { 0, 1, 2 })]
    [InlineData(10, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    [InlineData(11, new[] { 0, 1, 2, 3, 4, 6, 7, 8, 9, 10 })] // i * 10 / 9 rounded
    [InlineData(19, new[] { 0, 2, 4, 6, 8, 10, 12, 14, 16, 18 })]
    [InlineData(100, new[] { 0, 11, 22, 33, 44, 55, 66, 77, 88, 99 })]
    public void EvenlySpaced_KeepsFirstAndLastAndSpreadsTheRest(int count, int[] expected) =>
        Assert.Equal(expected, EvolutionFigure.EvenlySpaced(count, 10));

    [Fact]
    public void EvenlySpaced_OfNothingIsEmptyAndRefusesFewerThanTwo()
    {
        Assert.Empty(EvolutionFigure.EvenlySpaced(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => EvolutionFigure.EvenlySpaced(5, 1));
    }

    [Fact]
    public void Compose_PlacesEachEpochsTilesInItsColumnEnlarged()
    {
        var columns = new[] { 1, 4, 7 }.Select(epoch => (epoch, (IReadOnlyList<Image>)[Solid(4, 3, (byte)(epoch * 10)), Solid(4, 3, (byte)(epoch * 20))])).ToList();
        var figure = EvolutionFigure.Compose(columns, ["#0 a", "#1 b"], "caption", legend: null, upscale: 3);
        var plain = EvolutionFigure.Compose(columns, ["#0 a", "#1 b"], "caption", legend: null, upscale: 1);
        // Cells of 12x9 plus 2 px padding after a 100 px label column, under a 16 px header and the 20 px caption.
        Assert.Equal((Math.Max(100 + (3 * 14), 480), 20 + 16 + (2 * 11)), (figure.Width, figure.Height));
        for (var c = 0; c < 3; c++)
        {
            for (var r = 0; r < 2; r++)
            {
                var (left, top) = (100 + (c * 14), 20 + 16 + (r * 11));
                var expected = (byte)(columns[c].epoch * (r == 0 ? 10 : 20));
                Assert.Equal([expected, expected, expected], Pixel(figure, left, top));
                Assert.Equal([expected, expected, expected], Pixel(figure, left + 11, top + 8));
                Assert.Equal([0, 0, 0], Pixel(figure, left + 12, top + 8)); // the padding
            }
        }
        Assert.Equal(20 + 16 + (2 * 5), plain.Height);
    }

    [Fact]
    public void Compose_RefusesBadShapes()
    {
        IReadOnlyList<Image> two = [Solid(4, 3, 1), Solid(4, 3, 2)];
        Assert.Throws<ArgumentException>(() => EvolutionFigure.Compose([], ["a"], "c", null, 1));
        Assert.Throws<ArgumentException>(() => EvolutionFigure.Compose([(1, two)], ["a", "b", "c"], "c", null, 1));
        Assert.Throws<ArgumentException>(() => EvolutionFigure.Compose([.. Enumerable.Range(0, 11).Select(e => (e, two))], ["a"], "c", null, 1));
        Assert.Throws<ArgumentException>(() => EvolutionFigure.Compose([(1, two), (2, [Solid(5, 3, 1), Solid(5, 3, 1)])], ["a", "b"], "c", null, 1));
    }

    internal static Image Solid(int width, int height, byte value) => new(width, height, 3, Enumerable.Repeat(value, width * height * 3).ToArray());

    internal static byte[] Pixel(Image image, int x, int y) => [image[x, y, 0], image[x, y, 1], image[x, y, 2]];
}
