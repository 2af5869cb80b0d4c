using System.IO.Compression;
using TrainExplain.Imaging;

namespace TrainExplain.Tests.Imaging;

public sealed class PngTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 17, 5, 1 }, { 7, 9, 2 }, { 31, 4, 3 }, { 64, 64, 3 }, { 5, 13, 4 }, { 1024, 3, 3 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DecodeOfEncode_IsTheImageAtEveryLevel(int width, int height, int channels)
    {
        // Skia writes no gray+alpha PNG: such an image comes back as RGBA with its gray in R, G and B.
        var image = SmoothNoise(width, height, channels);
        var expected = channels == 2 ? image.ToChannels(4) : image;
        foreach (var level in Enum.GetValues<CompressionLevel>())
        {
            Assert.Equal(expected, ImageFile.Decode(Png.Encode(image, level)));
        }
    }

    [Fact]
    public void Encode_WritesTheColorTypeOfTheChannels()
    {
        // IHDR's color type is byte 25: 0 gray, 2 RGB, 6 RGBA (gray+alpha is written as RGBA).
        Assert.Equal([0, 6, 2, 6], new[] { 1, 2, 3, 4 }.Select(channels => (int)Png.Encode(SmoothNoise(3, 2, channels))[25]));
    }

    [Fact]
    public void Encode_RejectsNull()
    {
        Assert.Throws<ArgumentNullException>(() => Png.Encode(null!));
    }

    [Fact]
    public void SaveThenLoad_RoundTripsAndLeavesNoTemporaryFile()
    {
        var directory = Directory.CreateTempSubdirectory("png-test").FullName;
        try
        {
            var path = Path.Combine(directory, "picture.png");
            var image = SmoothNoise(9, 7, 3);
            Png.Save(SmoothNoise(2, 2, 1), path);
            Png.Save(image, path);
            Assert.Equal(image, ImageFile.Load(path));
            Assert.Equal(["picture.png"], Directory.GetFiles(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void SaveAndLoad_RejectBadPaths()
    {
        var image = SmoothNoise(1, 1, 1);
        Assert.Throws<ArgumentException>(() => Png.Save(image, ""));
        Assert.Throws<DirectoryNotFoundException>(() => Png.Save(image, "/nonexistent-dir-for-test/x.png"));
        Assert.Throws<FileNotFoundException>(() => ImageFile.Load(Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.png")));
    }

    /// <summary>An image with smooth gradients plus noise, so every filter type wins on some rows.</summary>
    internal static Image SmoothNoise(int width, int height, int channels)
    {
        var random = new Random((width * 31) + height + channels);
        var pixels = new byte[width * height * channels];
        for (var i = 0; i < pixels.Length; i++)
        {
            var x = i / channels % width;
            var y = i / channels / width;
            pixels[i] = (byte)((x * 7) + (y * 3) + random.Next(i % 3 == 0 ? 40 : 3));
        }

        return new Image(width, height, channels, pixels);
    }
}
