using System.IO.Compression;
using TrainExplain.Imaging;
using TrainExplain.Tests.TensorBoard;

namespace TrainExplain.Tests.Imaging;

public sealed class EncodedImageTests
{
    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(7, 9, 2, 4)]
    [InlineData(31, 4, 3, 3)]
    [InlineData(5, 13, 4, 4)]
    public void Encode_KeepsSizeAndTheEncodedChannelsAndTheEncodersBytes(int width, int height, int channels, int encodedChannels)
    {
        var image = PngTests.SmoothNoise(width, height, channels);
        var encoded = EncodedImage.Encode(image);
        Assert.Equal((width, height, encodedChannels), (encoded.Width, encoded.Height, encoded.Channels));
        Assert.Equal(Png.Encode(image), encoded.PngBytes.ToArray());
        Assert.Equal(image.ToChannels(encodedChannels), ImageFile.Decode(encoded.PngBytes.Span));
    }

    [Fact]
    public void Encode_HonoursTheCompressionLevel()
    {
        var image = PngTests.SmoothNoise(64, 64, 3);
        Assert.Equal(Png.Encode(image, CompressionLevel.Optimal), EncodedImage.Encode(image, CompressionLevel.Optimal).PngBytes.ToArray());
        Assert.Equal(image, ImageFile.Decode(EncodedImage.Encode(image, CompressionLevel.NoCompression).PngBytes.Span));
    }

    [Fact]
    public void Encode_RejectsNull()
    {
        Assert.Throws<ArgumentNullException>(() => EncodedImage.Encode(null!));
    }

    [Fact]
    public void Save_WritesExactlyTheEncodedBytesAndLeavesNoTemporaryFile()
    {
        using var directory = new TemporaryDirectory();
        var path = Path.Combine(directory.Path, "grid.png");
        var encoded = EncodedImage.Encode(PngTests.SmoothNoise(9, 7, 3));
        Png.Save(EncodedImage.Encode(PngTests.SmoothNoise(2, 2, 1)), path);
        Png.Save(encoded, path);
        Assert.Equal(encoded.PngBytes.ToArray(), File.ReadAllBytes(path));
        Assert.Equal(["grid.png"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void SaveOfAnImage_WritesWhatSaveOfItsEncodingWrites()
    {
        using var directory = new TemporaryDirectory();
        var image = PngTests.SmoothNoise(12, 5, 4);
        var fromImage = Path.Combine(directory.Path, "image.png");
        var fromEncoded = Path.Combine(directory.Path, "encoded.png");
        Png.Save(image, fromImage, CompressionLevel.Optimal);
        Png.Save(EncodedImage.Encode(image, CompressionLevel.Optimal), fromEncoded);
        Assert.Equal(File.ReadAllBytes(fromEncoded), File.ReadAllBytes(fromImage));
    }

    [Fact]
    public void Save_RejectsBadArguments()
    {
        var encoded = EncodedImage.Encode(PngTests.SmoothNoise(1, 1, 1));
        Assert.Throws<ArgumentNullException>(() => Png.Save((EncodedImage)null!, "x.png"));
        Assert.Throws<ArgumentException>(() => Png.Save(encoded, ""));
        Assert.Throws<DirectoryNotFoundException>(() => Png.Save(encoded, "/nonexistent-dir-for-test/x.png"));
    }
}
