using TrainExplain.Imaging;

namespace TrainExplain.Tests.Imaging;

public sealed class ColormapTests
{
    // References: matplotlib 3.6.3, round(255 * matplotlib.colormaps[name](i)[:3]) for i = 0, 64, 128, 192, 255.
    public static TheoryData<string, int, int, int, int> MatplotlibColors => new()
    {
        { "viridis", 0, 68, 1, 84 }, { "viridis", 64, 59, 82, 139 }, { "viridis", 128, 33, 145, 140 },
        { "viridis", 192, 94, 201, 98 }, { "viridis", 255, 253, 231, 37 },
        { "inferno", 0, 0, 0, 4 }, { "inferno", 64, 87, 16, 110 }, { "inferno", 128, 188, 55, 84 },
        { "inferno", 192, 249, 142, 9 }, { "inferno", 255, 252, 255, 164 },
        { "jet", 0, 0, 0, 128 }, { "jet", 64, 0, 128, 255 }, { "jet", 128, 125, 255, 122 },
        { "jet", 192, 255, 148, 0 }, { "jet", 255, 128, 0, 0 },
        { "gray", 0, 0, 0, 0 }, { "gray", 128, 128, 128, 128 }, { "gray", 255, 255, 255, 255 },
    };

    [Theory]
    [MemberData(nameof(MatplotlibColors))]
    public void Entries_MatchMatplotlibWithinTwo(string name, int index, int red, int green, int blue)
    {
        var (r, g, b) = Colormap.FromName(name)[(byte)index];
        Assert.InRange(r, red - 2, red + 2);
        Assert.InRange(g, green - 2, green + 2);
        Assert.InRange(b, blue - 2, blue + 2);
    }

    [Fact]
    public void Map_PicksEntryAsMatplotlibAndClamps()
    {
        var map = Colormap.Viridis;
        Assert.Equal(map[0], map.Map(-3f));
        Assert.Equal(map[255], map.Map(1f));
        Assert.Equal(map[255], map.Map(7f));
        Assert.Equal(map[128], map.Map(0.5f)); // floor(256 * 0.5)
        Assert.Equal(map[127], map.Map(0.499f));
        Assert.Throws<ArgumentException>(() => map.Map(float.NaN));
    }

    [Fact]
    public void Apply_ColorsEveryValue()
    {
        var image = Colormap.Jet.Apply([0f, 1f], 2, 1);
        Assert.Equal(3, image.Channels);
        Assert.Equal(new byte[] { 0, 0, 128, 128, 0, 0 }, image.Pixels);
    }

    [Fact]
    public void Apply_RejectsWrongLengthAndNaN()
    {
        Assert.Throws<ArgumentException>(() => Colormap.Gray.Apply([0f], 2, 1));
        var e = Assert.Throws<ArgumentException>(() => Colormap.Gray.Apply([0f, float.NaN], 2, 1));
        Assert.Contains("Heat value 1 is NaN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromName_IsCaseInsensitiveAndRejectsUnknownNames()
    {
        Assert.Same(Colormap.Inferno, Colormap.FromName("Inferno"));
        var e = Assert.Throws<ArgumentException>(() => Colormap.FromName("magma"));
        Assert.Contains("viridis, inferno, jet, gray", e.Message, StringComparison.Ordinal);
    }
}
