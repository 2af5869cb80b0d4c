using TrainExplain.Imaging;

namespace TrainExplain.Tests.Imaging;

public sealed class OverlayTests
{
    private static readonly Image GrayBase = new(2, 1, 1, [0, 200]);

    [Fact]
    public void Blend_AlphaZeroGivesTheBaseAsRgb()
    {
        var blended = Overlay.Blend(GrayBase, [1f, 0f], Colormap.Jet, 0f);
        Assert.Equal(new byte[] { 0, 0, 0, 200, 200, 200 }, blended.Pixels);
    }

    [Fact]
    public void Blend_AlphaOneGivesTheColormap()
    {
        var blended = Overlay.Blend(GrayBase, [1f, 0f], Colormap.Jet, 1f);
        Assert.Equal(Colormap.Jet.Apply([1f, 0f], 2, 1), blended);
    }

    [Fact]
    public void Blend_MixesLinearly()
    {
        var rgbBase = new Image(1, 1, 3, [100, 0, 255]);
        var blended = Overlay.Blend(rgbBase, [0f], Colormap.Gray, 0.25f);
        Assert.Equal(new byte[] { 75, 0, 191 }, blended.Pixels); // 0.75 * base + 0.25 * black, rounded
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.1f)]
    [InlineData(float.NaN)]
    public void Blend_RejectsAlphaOutsideUnitInterval(float alpha)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Overlay.Blend(GrayBase, [0f, 0f], Colormap.Jet, alpha));
    }

    [Fact]
    public void Blend_RejectsMismatchedHeatmapAndNulls()
    {
        var e = Assert.Throws<ArgumentException>(() => Overlay.Blend(GrayBase, [0f, 0f, 0f], Colormap.Jet, 0.5f));
        Assert.Contains("Expected 2 values for a 2x1 image, but 3", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => Overlay.Blend(null!, [0f], Colormap.Jet, 0.5f));
        Assert.Throws<ArgumentNullException>(() => Overlay.Blend(GrayBase, [0f, 0f], null!, 0.5f));
    }
}
