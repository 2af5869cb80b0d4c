using TrainExplain.Imaging;

namespace TrainExplain.Tests.Imaging;

public sealed class ImageTests
{
    [Fact]
    public void CompositeOverBlack_ScalesEachColorByItsAlphaAndDropsIt()
    {
        // Gray+alpha: 200 at alpha 128 is round(200 * 128 / 255) = 100; opaque stays, transparent is 0.
        var grayAlpha = new Image(3, 1, 2, [200, 128, 200, 255, 200, 0]);
        Assert.Equal(new Image(3, 1, 1, [100, 200, 0]), grayAlpha.CompositeOverBlack());
        // RGBA: each of R, G, B alike; 255 at alpha 1 is 1.
        var rgba = new Image(2, 1, 4, [255, 100, 51, 51, 255, 255, 255, 1]);
        Assert.Equal(new Image(2, 1, 3, [51, 20, 10, 1, 1, 1]), rgba.CompositeOverBlack());
        var rgb = new Image(1, 1, 3, [1, 2, 3]);
        Assert.Same(rgb, rgb.CompositeOverBlack());
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, 0, 1)]
    [InlineData(1, 1, 0)]
    [InlineData(1, 1, 5)]
    public void Constructor_RejectsBadSizeOrChannels(int width, int height, int channels)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image(width, height, channels, new byte[1]));
    }

    [Fact]
    public void Constructor_RejectsWrongPixelCount()
    {
        var e = Assert.Throws<ArgumentException>(() => new Image(2, 2, 3, new byte[11]));
        Assert.Contains("needs 12 pixel bytes, but 11", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => new Image(1, 1, 1, null!));
    }

    [Fact]
    public void Indexer_ReadsInterleavedRowMajorAndChecksBounds()
    {
        var image = new Image(2, 1, 3, [1, 2, 3, 4, 5, 6]);
        Assert.Equal(5, image[1, 0, 1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => image[2, 0, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => image[0, 1, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => image[0, 0, 3]);
    }

    [Fact]
    public void FromGray_ClampsAndRounds()
    {
        var image = Image.FromGray([-1f, 0f, 0.5f, 1f, 2f, 0.1f], 3, 2);
        Assert.Equal(new byte[] { 0, 0, 128, 255, 255, 26 }, image.Pixels);
        Assert.Equal(1, image.Channels);
    }

    [Fact]
    public void FromGray_RejectsWrongLength()
    {
        Assert.Throws<ArgumentException>(() => Image.FromGray([0f, 0f, 0f], 2, 2));
    }

    [Fact]
    public void NaNIsDrawnBlackAndInfinitiesClamp()
    {
        // A diverged model's values still draw (issue 22): NaN as 0, as heatmaps draw it; infinities clamp to the ends.
        var gray = Image.FromGray([float.NaN, 0.5f, float.PositiveInfinity, float.NegativeInfinity], 4, 1);
        Assert.Equal([0, 128, 255, 0], Enumerable.Range(0, 4).Select(x => gray[x, 0, 0]));
        var rgb = Image.FromPlanar([float.NaN, 1f, 0.2f, float.NaN, 1f, float.NaN], 3, 1, 2);
        Assert.Equal([0, 51, 255, 255, 0, 0], Enumerable.Range(0, 2).SelectMany(x => Enumerable.Range(0, 3).Select(c => rgb[x, 0, c])));
    }

    [Fact]
    public void FromPlanar_InterleavesChannelPlanes()
    {
        // [C=3, H=1, W=2]: R plane, G plane, B plane.
        var image = Image.FromPlanar([1f, 0f, 0f, 1f, 0.5f, 0.5f], 3, 1, 2);
        Assert.Equal(new byte[] { 255, 0, 128, 0, 255, 128 }, image.Pixels);
        Assert.Throws<ArgumentException>(() => Image.FromPlanar([1f, 0f], 3, 1, 1));
    }

    [Fact]
    public void UpscaleNearest_RepeatsEachPixelAsABlock()
    {
        var image = new Image(2, 1, 1, [10, 20]).UpscaleNearest(2);
        Assert.Equal(new Image(4, 2, 1, [10, 10, 20, 20, 10, 10, 20, 20]), image);
        Assert.Throws<ArgumentOutOfRangeException>(() => image.UpscaleNearest(0));
    }

    [Fact]
    public void ToChannels_ConvertsGrayColorAndAlpha()
    {
        var gray = new Image(1, 1, 1, [100]);
        Assert.Equal(new byte[] { 100, 100, 100 }, gray.ToChannels(3).Pixels);
        Assert.Equal(new byte[] { 100, 100, 100, 255 }, gray.ToChannels(4).Pixels);
        Assert.Equal(new byte[] { 100, 255 }, gray.ToChannels(2).Pixels);
        var rgba = new Image(1, 1, 4, [255, 0, 0, 7]);
        Assert.Equal(new byte[] { 76, 7 }, rgba.ToChannels(2).Pixels); // BT.601: 0.299 * 255 = 76.2
        Assert.Equal(new byte[] { 255, 0, 0 }, rgba.ToChannels(3).Pixels);
        Assert.Same(gray, gray.ToChannels(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => gray.ToChannels(5));
    }

    [Fact]
    public void Equality_ComparesSizeChannelsAndPixels()
    {
        Assert.Equal(new Image(1, 2, 1, [1, 2]), new Image(1, 2, 1, [1, 2]));
        Assert.NotEqual(new Image(1, 2, 1, [1, 2]), new Image(2, 1, 1, [1, 2]));
        Assert.NotEqual(new Image(1, 2, 1, [1, 2]), new Image(1, 2, 1, [1, 3]));
    }
}
