using TrainExplain.Imaging;

namespace MnistTrainer.Tests;

/// <summary>The interim per-image transform of <c>train</c>'s image folders: gray, [0, 1], resized to the models' 28x28.</summary>
public sealed class FolderImageTransformTests
{
    [Fact]
    public void A28x28ColorImageBecomesItsLumaInZeroToOne()
    {
        // Pure red: BT.601 luma round(0.299 x 255) = 76. A transparent pixel is black.
        var pixels = new byte[28 * 28 * 4];
        for (var i = 0; i < 28 * 28; i++)
        {
            (pixels[4 * i], pixels[(4 * i) + 3]) = (255, (byte)(i == 0 ? 0 : 255));
        }

        using var input = FolderImageTransform.ToModelInput(new Image(28, 28, 4, pixels));

        Assert.Equal([1L, 28, 28], input.shape);
        Assert.Equal(ScalarType.Float32, input.dtype);
        var values = input.data<float>().ToArray();
        Assert.Equal(0f, values[0]);
        Assert.All(values[1..], v => Assert.Equal(76f / 255f, v));
    }

    [Fact]
    public void ALargerImageIsResizedWithAntialiasedBilinearWeights()
    {
        // 56x56, left half white: halving it with the antialiased triangle filter (support 2 input pixels) gives white
        // columns 0-12, black 15-27, and at the edge column 13 (center 26.5: inputs 25-28 weighted 0.25, 0.75, 0.75, 0.25
        // over 2) (0.25 + 0.75 + 0.75) / 2 = 0.875, column 14 (inputs 27-30) 0.25 / 2 = 0.125; PyTorch 1.13's
        // interpolate(..., mode="bilinear", antialias=True) gives the same row.
        var pixels = new byte[56 * 56];
        for (var y = 0; y < 56; y++)
        {
            Array.Fill(pixels, (byte)255, y * 56, 28);
        }

        using var input = FolderImageTransform.ToModelInput(new Image(56, 56, 1, pixels));

        Assert.Equal([1L, 28, 28], input.shape);
        float[] row = [.. Enumerable.Repeat(1f, 13), 0.875f, 0.125f, .. Enumerable.Repeat(0f, 13)];
        var values = input.data<float>().ToArray();
        for (var y = 0; y < 28; y++)
        {
            Assert.Equal(row, values[(y * 28)..((y + 1) * 28)], (a, b) => Math.Abs(a - b) <= 1e-6f);
        }
    }
}
