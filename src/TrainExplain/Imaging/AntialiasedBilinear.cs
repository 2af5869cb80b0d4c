namespace TrainExplain.Imaging;

/// <summary>
/// Pillow's bilinear resize (<c>Image.resize(size, BILINEAR)</c>, what torchvision's <c>Resize</c> runs on a PIL image),
/// reproduced step for step so that a photo preprocessed here is the byte-for-byte image PyTorch users feed their models:
/// a triangle filter whose support widens with the downscaling factor (so it antialiases: every source pixel counts),
/// weights normalized per output pixel and rounded to 22-bit fixed point, a horizontal pass then a vertical pass, each
/// rounded to 8 bits (Pillow's <c>libImaging/Resample.c</c>, <c>precompute_coeffs</c> and <c>normalize_coeffs_8bpc</c>).
/// </summary>
internal static class AntialiasedBilinear
{
    /// <summary>Pillow's fixed-point fraction bits for 8-bit images: 32 - 8 - 2.</summary>
    private const int PrecisionBits = 22;

    /// <summary><paramref name="image"/> (1 or 3 channels) resized to <paramref name="width"/> x <paramref name="height"/>.</summary>
    internal static Image Resize(Image image, int width, int height)
    {
        var result = image;
        if (width != image.Width)
        {
            result = Pass(result, width, horizontal: true);
        }
        if (height != image.Height)
        {
            result = Pass(result, height, horizontal: false);
        }
        return result;
    }

    /// <summary>One pass along rows (<paramref name="horizontal"/>) or columns, to <paramref name="outSize"/> samples.</summary>
    private static Image Pass(Image image, int outSize, bool horizontal)
    {
        var inSize = horizontal ? image.Width : image.Height;
        var (bounds, weights, kernelSize) = Coefficients(inSize, outSize);
        var (width, height, channels) = (horizontal ? outSize : image.Width, horizontal ? image.Height : outSize, image.Channels);
        var source = image.Pixels;
        var target = new byte[Image.ByteCount(width, height, channels)];
        // Step between neighbours along the resized axis, and between lines across it, in the source.
        var (step, lineStep) = horizontal ? (channels, image.Width * channels) : (image.Width * channels, channels);
        var (lines, lineWidth) = horizontal ? (height, channels) : (width, channels);
        for (var line = 0; line < lines; line++)
        {
            for (var o = 0; o < outSize; o++)
            {
                var (first, count) = (bounds[2 * o], bounds[(2 * o) + 1]);
                for (var c = 0; c < lineWidth; c++)
                {
                    var sum = 1 << (PrecisionBits - 1);
                    var at = (line * lineStep) + (first * step) + c;
                    for (var k = 0; k < count; k++, at += step)
                    {
                        sum += source[at] * weights[(o * kernelSize) + k];
                    }
                    var index = horizontal ? (((line * width) + o) * channels) + c : (((o * width) + line) * channels) + c;
                    target[index] = Clip8(sum);
                }
            }
        }
        return new Image(width, height, channels, target);
    }

    /// <summary>
    /// Per output sample, the first source sample and the count of those it reads, and their fixed-point weights
    /// (the kernel size per sample), as Pillow's <c>precompute_coeffs</c> for the triangle filter (support 1).
    /// </summary>
    private static (int[] Bounds, int[] Weights, int KernelSize) Coefficients(int inSize, int outSize)
    {
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = filterScale;
        var kernelSize = ((int)Math.Ceiling(support) * 2) + 1;
        var bounds = new int[outSize * 2];
        var weights = new int[outSize * kernelSize];
        var raw = new double[kernelSize];
        // Pillow multiplies by the reciprocal rather than dividing; the last bit of a weight can differ between the two.
        var inverseScale = 1.0 / filterScale;
        for (var o = 0; o < outSize; o++)
        {
            var center = (o + 0.5) * scale;
            // Pillow truncates toward zero after adding 0.5, which rounds the non-negative bounds it keeps.
            var first = Math.Max((int)(center - support + 0.5), 0);
            var count = Math.Min((int)(center + support + 0.5), inSize) - first;
            var total = 0.0;
            for (var k = 0; k < count; k++)
            {
                raw[k] = Math.Max(0.0, 1.0 - Math.Abs((k + first - center + 0.5) * inverseScale));
                total += raw[k];
            }
            for (var k = 0; k < count; k++)
            {
                var w = total != 0.0 ? raw[k] / total : raw[k];
                weights[(o * kernelSize) + k] = (int)(w < 0 ? -0.5 + (w * (1 << PrecisionBits)) : 0.5 + (w * (1 << PrecisionBits)));
            }
            (bounds[2 * o], bounds[(2 * o) + 1]) = (first, count);
        }
        return (bounds, weights, kernelSize);
    }

    private static byte Clip8(int value) => value >= 256 << PrecisionBits ? byte.MaxValue : value <= 0 ? (byte)0 : (byte)(value >> PrecisionBits);
}
