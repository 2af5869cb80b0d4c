using MnistTrainer.Models;
using MnistTrainer.Tests.Support;
using TrainExplain.Data;
using TrainExplain.Data.SafeTensors;
using TrainExplain.Imaging;
using TrainExplain.Testing;

namespace MnistTrainer.Tests;

/// <summary>
/// Issue 23, item 2: <c>explain --images</c> takes photos of any size and format, preprocessed by --resize, --crop,
/// --mean and --std, and what is explained and saved is the preprocessed tensor.
/// </summary>
public sealed class ExplainPhotosTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-photos").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void EveryFormatOfAnySizeIsPreprocessedAndSavedAsExplained()
    {
        // PIL writes the five formats (Skia encodes only PNG, JPEG and WebP): a 300x200 color JPEG whose EXIF says turn a
        // quarter clockwise, a gray PNG, a color BMP, a GIF and a WebP, all of other sizes than the model's 28x28.
        if (!File.Exists(DebianPython.Path) || DebianPython.Run(null, "-c", "import PIL").ExitCode != 0)
        {
            Assert.Skip($"{DebianPython.Path} with PIL (python3-pil) writes the test's photos; it is not installed.");
        }
        var (code, _, error) = DebianPython.Run(root, "-c", """
            from PIL import Image
            def photo(mode, w, h):
                img = Image.new("RGB", (w, h))
                img.putdata([((x * 7) % 256, (y * 5) % 256, ((x + y) * 3) % 256) for y in range(h) for x in range(w)])
                return img.convert(mode)
            exif = Image.Exif(); exif[0x0112] = 6
            photo("RGB", 300, 200).save("a.jpg", quality=95, exif=exif.tobytes())
            photo("L", 64, 50).save("b.png")
            photo("RGB", 45, 90).save("c.bmp")
            photo("RGB", 120, 80).save("d.gif")
            photo("RGB", 31, 29).save("e.webp", lossless=True)
            """);
        Assert.True(code == 0, error);
        var files = new[] { "a.jpg", "b.png", "c.bmp", "d.gif", "e.webp" }.Select(name => Path.Combine(root, name)).ToArray();
        var weights = Path.Combine(root, "model.safetensors");
        manual_seed(85);
        using (var model = new SimpleConvNet())
        {
            ModelWeights.Save(model, weights);
        }
        var output = Path.Combine(root, "o");
        (code, var printed, error) = Cli.Run(["explain", "--weights", weights, "--method", "vanilla", "--device", "cpu", "--out", output,
            "--resize", "28", "--crop", "28", "--mean", "0.25", "--std", "0.5", "--images", .. files]);
        Assert.True(code == 0, error);
        Assert.Contains("images: --images (5 files)", printed, StringComparison.Ordinal);
        using var scope = NewDisposeScope();
        var saved = TensorSafeTensors.Load(Path.Combine(output, "vanilla.safetensors"));
        var expected = new ImagePreprocessing(1, 28, 28, [0.25f], [0.5f]).ApplyBatch(files.Select(f => ImageFile.Load(f)));
        Assert.Equal([5L, 1, 28, 28], saved["inputs"].shape);
        Assert.True(saved["inputs"].eq(expected).all().item<bool>(), "the saved inputs are not the preprocessed photos");
        // The JPEG was turned: 200x300 upright, so its 28-px side is the width and the crop cut rows.
        Assert.Equal((200, 300), ImageFile.ReadSize(files[0]));
        Assert.True(File.Exists(Path.Combine(output, "vanilla.png")));
    }

    [Theory]
    [InlineData(new[] { "--resize", "0" }, "error: --resize must be at least 1 pixel (the shorter side's length), got 0.")]
    [InlineData(new[] { "--crop", "-3" }, "error: --crop must be at least 1 pixel (the center square's side), got -3.")]
    [InlineData(new[] { "--mean", "0.5,0.5" }, "error: --mean takes 1 comma-separated numbers, one per channel of the model's input; got 2 in '0.5,0.5'.")]
    [InlineData(new[] { "--std", "0" }, "error: --std takes 1 comma-separated positive numbers, one per channel of the model's input; '0' in '0' is not one.")]
    [InlineData(new[] { "--mean", "x" }, "error: --mean takes 1 comma-separated numbers, one per channel of the model's input; 'x' in 'x' is not one.")]
    public void BadPreprocessingFlagsAreNamed(string[] flags, string message)
    {
        var photo = Path.Combine(root, "p.png");
        Png.Save(new Image(40, 30, 3, new byte[40 * 30 * 3]), photo);
        var (code, _, error) = Cli.Run(["explain", "--weights", photo, "--method", "vanilla", "--device", "cpu", "--out", Path.Combine(root, "o"), "--images", photo, .. flags]);
        Assert.Equal(CommandLineErrors.UsageError, code);
        Assert.Equal(message, error.TrimEnd());
    }

    [Fact]
    public void APhotoThatDoesNotComeOutAtTheModelsSizeIsRefusedBeforeDecoding()
    {
        var photo = Path.Combine(root, "p.png");
        Png.Save(new Image(40, 30, 1, new byte[40 * 30]), photo);
        var (code, _, error) = Cli.Run(["explain", "--weights", photo, "--method", "vanilla", "--device", "cpu", "--out", Path.Combine(root, "o"), "--images", photo, "--resize", "28"]);
        Assert.Equal(CommandLineErrors.UsageError, code);
        Assert.Equal($"error: --images {photo} is 40x30 and comes out 37x28 after --resize/--crop; the model takes 28x28 images. Give --crop 28 (with --resize to scale first).", error.TrimEnd());
    }
}
