using System.Globalization;
using TrainExplain.Imaging;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Imaging;

public sealed class ImagePreprocessingTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("preprocessing").FullName;

    public void Dispose() => Directory.Delete(this.directory, recursive: true);

    /// <summary>
    /// Against torchvision 0.14 on Pillow 9.4 (Debian's python3-torchvision): the same 8-bit image, PNG-encoded (lossless),
    /// through Compose([Resize, CenterCrop, ToTensor, Normalize]). Downscaling (antialiased), upscaling, odd sizes, a
    /// crop larger than the image (padded), gray and RGB. The resampling reproduces Pillow's fixed-point arithmetic, so
    /// the stated tolerance is 0 levels: the values are equal in float32 (1e-6 covers nothing but the last bit).
    /// </summary>
    [Theory]
    [InlineData(301, 203, 3, 256, 224, "")]
    [InlineData(97, 131, 3, 256, 224, "")]
    [InlineData(640, 427, 3, 64, 57, "")]
    [InlineData(75, 50, 1, 28, 28, "")]
    [InlineData(41, 40, 1, 40, 45, "")]
    [InlineData(200, 130, 3, 100, null, "")]
    [InlineData(33, 29, 3, null, 31, "")]
    [InlineData(120, 90, 1, 64, 48, "L")]
    [InlineData(90, 120, 3, 48, 48, "RGB")]
    public void Apply_EqualsTorchvision(int width, int height, int sourceChannels, int? resize, int? crop, string pilConvert)
    {
        PythonTorch.SkipUnlessAvailable();
        var image = Noise(width, height, sourceChannels, seed: width + height);
        var channels = pilConvert == "L" ? 1 : pilConvert == "RGB" ? 3 : sourceChannels;
        // ImageNet's statistics for color; any other positive pair for gray.
        var preprocessing = channels == 3
            ? new ImagePreprocessing(3, resize, crop, ImagePreprocessing.ImageNet.Mean, ImagePreprocessing.ImageNet.Std)
            : new ImagePreprocessing(1, resize, crop, [0.2860f], [0.3530f]);
        // PIL converts RGB to gray with its own fixed-point luma, one level from ours at most; the reference is given
        // our gray image instead, so the comparison stays exact and the luma is tested on its own (ImageTests).
        var source = pilConvert == "L" ? image.ToChannels(1) : image;
        Png.Save(source, Path.Combine(this.directory, "in.png"));
        var steps = string.Join(", ", new[]
        {
            resize is { } r ? $"T.Resize({r})" : null,
            crop is { } c ? $"T.CenterCrop({c})" : null,
            "T.ToTensor()",
            $"T.Normalize([{List(preprocessing.Mean)}], [{List(preprocessing.Std)}])",
        }.Where(s => s is not null));
        PythonTorch.RunScript(this.directory, $"""
            from PIL import Image
            import torchvision.transforms as T
            image = Image.open("in.png"){(pilConvert == "RGB" ? ".convert('RGB')" : "")}
            st_save(dict(x=T.Compose([{steps}])(image)), "out.safetensors")
            """);
        using var scope = NewDisposeScope();
        var expected = TrainExplain.Data.SafeTensors.TensorSafeTensors.Load(Path.Combine(this.directory, "out.safetensors"))["x"];
        var actual = preprocessing.Apply(image);
        Assert.Equal(expected.shape, actual.shape);
        var difference = (actual - expected).abs().max().item<float>();
        Assert.True(difference <= 1e-6f, $"largest difference {difference} from torchvision");
    }

    [Fact]
    public void ImageNet_MakesA224SquareOfAnyPhoto()
    {
        using var scope = NewDisposeScope();
        var x = ImagePreprocessing.ImageNet.ApplyBatch([Noise(500, 375, 3, 1), Noise(123, 300, 1, 2)]);
        Assert.Equal([2L, 3, 224, 224], x.shape);
    }

    [Theory]
    [InlineData(500, 375, 256, 341, 256)] // torchvision: int(256 * 500 / 375) = 341
    [InlineData(375, 500, 256, 256, 341)]
    [InlineData(300, 300, 256, 256, 256)]
    [InlineData(10, 3, 5, 16, 5)] // int(16.67)
    public void ResizedSize_KeepsTheAspectAsTorchvision(int width, int height, int side, int expectedWidth, int expectedHeight)
    {
        Assert.Equal((expectedWidth, expectedHeight), ImagePreprocessing.ResizedSize(width, height, side));
    }

    [Theory]
    [InlineData(256, 224, 16)]
    [InlineData(225, 224, 0)] // round(0.5) = 0, half to even
    [InlineData(227, 224, 2)] // round(1.5) = 2
    [InlineData(229, 224, 2)] // round(2.5) = 2
    [InlineData(220, 224, -2)] // padded by (224 - 220) // 2 = 2 on the left
    [InlineData(221, 224, -1)] // (224 - 221) // 2 = 1
    public void CropOffset_RoundsAsTorchvision(int length, int crop, int expected)
    {
        Assert.Equal(expected, ImagePreprocessing.CropOffset(length, crop));
    }

    [Fact]
    public void Prepare_CropsAroundTheCenterAndPadsWithBlack()
    {
        // A 3x1 gray image cropped to 5x5: the row lands at offset (1, 2), zeros around it.
        var picture = new ImagePreprocessing(1, crop: 5).Prepare(new Image(3, 1, 1, [10, 20, 30]));
        var expected = new byte[25];
        (expected[11], expected[12], expected[13]) = (10, 20, 30);
        Assert.Equal(new Image(5, 5, 1, expected), picture);
    }

    [Fact]
    public void Resize_OfAFlatImageIsFlat()
    {
        // Every weight row sums to one (2^22 in fixed point): a flat image stays flat, up or down.
        var flat = new Image(37, 23, 3, Enumerable.Repeat((byte)173, 37 * 23 * 3).ToArray());
        foreach (var side in new[] { 5, 23, 64 })
        {
            Assert.All(new ImagePreprocessing(3, side).Prepare(flat).Pixels, value => Assert.Equal(173, value));
        }
    }

    [Fact]
    public void Apply_NormalizesEachChannel()
    {
        // One RGB pixel (255, 0, 51): (1 - 0.5) / 0.25, (0 - 0.5) / 0.5, (0.2 - 0) / 2.
        using var scope = NewDisposeScope();
        var x = new ImagePreprocessing(3, mean: [0.5f, 0.5f, 0f], std: [0.25f, 0.5f, 2f]).Apply(new Image(1, 1, 3, [255, 0, 51]));
        Assert.Equal([2f, -1f, 0.1f], x.data<float>().ToArray());
    }

    [Fact]
    public void Denormalize_GivesBackTheScaledPixels()
    {
        using var scope = NewDisposeScope();
        var image = Noise(9, 7, 3, 5);
        var preprocessing = ImagePreprocessing.ImageNet;
        var back = preprocessing.Denormalize(preprocessing.ApplyBatch([image]));
        var plain = new ImagePreprocessing(3, 256, 224).ApplyBatch([image]);
        Assert.True((back - plain).abs().max().item<float>() <= 1e-6f);
    }

    [Fact]
    public void Constructor_RefusesBadSettingsNamingThem()
    {
        Assert.Equal("channels", Assert.Throws<ArgumentOutOfRangeException>(() => new ImagePreprocessing(2)).ParamName);
        Assert.Equal("resize", Assert.Throws<ArgumentOutOfRangeException>(() => new ImagePreprocessing(3, resize: 0)).ParamName);
        Assert.Equal("crop", Assert.Throws<ArgumentOutOfRangeException>(() => new ImagePreprocessing(3, crop: -1)).ParamName);
        var mean = Assert.Throws<ArgumentException>(() => new ImagePreprocessing(3, mean: [0.5f]));
        Assert.Equal("mean", mean.ParamName);
        Assert.StartsWith("Expected one mean value per channel (3), got 1.", mean.Message, StringComparison.Ordinal);
        var std = Assert.Throws<ArgumentException>(() => new ImagePreprocessing(1, std: [0f]));
        Assert.StartsWith("Every std value must be a finite number above 0, got 0.", std.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyBatch_RefusesImagesOfTwoSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => new ImagePreprocessing(1, resize: 8).ApplyBatch([Noise(8, 8, 1, 1), Noise(16, 8, 1, 2)]));
        Assert.StartsWith("Image 1 comes out 16x8 but image 0 8x8; give a crop", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Seeded noise over a gradient: sharp edges everywhere, which resampling errors cannot hide in.</summary>
    internal static Image Noise(int width, int height, int channels, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height * channels];
        for (var i = 0; i < pixels.Length; i++)
        {
            var x = i / channels % width;
            pixels[i] = (byte)(((x * 255 / width) + random.Next(96)) % 256);
        }
        return new Image(width, height, channels, pixels);
    }

    private static string List(IReadOnlyList<float> values) => string.Join(", ", values.Select(v => ((double)v).ToString("R", CultureInfo.InvariantCulture)));
}
