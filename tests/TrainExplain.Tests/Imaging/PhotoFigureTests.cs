using SkiaSharp;
using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.Tests.Explainers;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Imaging;

/// <summary>Issue 23, item 2: figures of normalized photos show the photo as the model saw it, at a legible size.</summary>
public sealed class PhotoFigureTests
{
    [Fact]
    public void TilesShowNormalizedPhotosDeNormalized()
    {
        using var scope = torch.NewDisposeScope();
        var photos = new[] { ImagePreprocessingTests.Noise(300, 240, 3, 11), ImagePreprocessingTests.Noise(256, 256, 1, 12) };
        var preprocessing = ImagePreprocessing.ImageNet;
        using var attribution = Unexplained(preprocessing.ApplyBatch(photos));
        // Alpha 0 leaves the input alone: each 224-px tile is the resized, cropped photo, byte for byte.
        var tiles = attribution.RenderImages(new RenderOptions(Alpha: 0f, Upscale: 1) { InputPreprocessing = preprocessing });
        for (var i = 0; i < photos.Length; i++)
        {
            Assert.Equal(preprocessing.Prepare(photos[i]).ToChannels(3), tiles[i]);
        }
        // Without the preprocessing the normalized values are clamped to [0, 1]: not the photo.
        var clamped = attribution.RenderImages(new RenderOptions(Alpha: 0f, Upscale: 1));
        Assert.NotEqual(tiles[0], clamped[0]);
    }

    [Fact]
    public void FourPhotosMakeAFigureOfNativeSizeTilesInOneRow()
    {
        using var scope = torch.NewDisposeScope();
        var photos = Enumerable.Range(0, 4).Select(i => ImagePreprocessingTests.Noise(320, 240, 3, i));
        using var attribution = Unexplained(ImagePreprocessing.ImageNet.ApplyBatch(photos));
        var options = new RenderOptions(Upscale: 1) { InputPreprocessing = ImagePreprocessing.ImageNet };
        Assert.All(attribution.RenderImages(options), tile => Assert.Equal((224, 224), (tile.Width, tile.Height)));
        var figure = attribution.RenderFigure(options: options);
        // Four 224-px tiles side by side with the 2-px padding, not a grid of thumbnails: wider than four tiles, and
        // shorter than two rows of them (one row, the caption and the color bar).
        Assert.InRange(figure.Width, (4 * 224) + (3 * 2), (4 * 224) + 200);
        Assert.InRange(figure.Height, 224, (2 * 224) - 1);
    }

    [Fact]
    public void GradCamExplainsJpegPhotosAtImageNetSize()
    {
        torch.manual_seed(23);
        // A small model of ImageNet's input shape [3, 224, 224] (torchvision's networks come with the CLI's --arch).
        using var model = nn.Sequential(
            ("conv", nn.Conv2d(3, 4, 3, stride: 4, padding: 1)),
            ("relu", nn.ReLU()),
            ("gap", new ExplainerModels.GlobalAveragePool()),
            ("fc", nn.Linear(4, 5)));
        using var scope = torch.NewDisposeScope();
        var jpegs = new[] { ImagePreprocessingTests.Noise(333, 250, 3, 21), ImagePreprocessingTests.Noise(240, 400, 3, 22) }.Select(Jpeg);
        var x = ImagePreprocessing.ImageNet.ApplyBatch(jpegs.Select(bytes => ImageFile.Decode(bytes)));
        using var cam = (Attribution)new GradCam(model).Explain(x, Targets.Predicted);
        Assert.Equal([2L, 3, 224, 224], cam.Inputs.shape);
        Assert.True(cam.Inputs.eq(x).all().item<bool>());
        Assert.Equal([2L, 224, 224], cam.Heatmaps.shape);
        var tiles = cam.RenderImages(new RenderOptions(Upscale: 1) { InputPreprocessing = ImagePreprocessing.ImageNet });
        Assert.All(tiles, tile => Assert.Equal((224, 224, 3), (tile.Width, tile.Height, tile.Channels)));
    }

    [Fact]
    public void PreprocessingLeavesNoTensorBehind()
    {
        var photo = ImagePreprocessingTests.Noise(50, 40, 3, 3);
        var baseline = LiveTensors.Baseline();
        using (var one = ImagePreprocessing.ImageNet.Apply(photo))
        using (var batch = ImagePreprocessing.ImageNet.ApplyBatch([photo, photo]))
        using (var back = ImagePreprocessing.ImageNet.Denormalize(batch))
        {
            Assert.Equal([3L, 224, 224], one.shape);
        }
        baseline.AssertUnchanged();
    }

    private static byte[] Jpeg(Image image)
    {
        using var pixels = new ImagePixmap(image);
        using var encoded = pixels.Pixmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return encoded.ToArray();
    }

    /// <summary>An attribution of zero heat over <paramref name="inputs"/>, to look at how its inputs are drawn.</summary>
    private static Attribution Unexplained(Tensor inputs)
    {
        var (n, h, w) = (inputs.size(0), inputs.size(2), inputs.size(3));
        var info = new ExplanationInfo("Unexplained", 0, new Dictionary<string, string>(), TimeSpan.FromTicks(1));
        return new Attribution(info, torch.zeros(inputs.shape), torch.zeros([n, h, w]), torch.zeros([n, h, w]), inputs, new long[n], new float[n]);
    }
}
