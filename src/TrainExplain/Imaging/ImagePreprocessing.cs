using System.Globalization;

namespace TrainExplain.Imaging;

/// <summary>
/// Turns a decoded photo into the tensor a model takes, as torchvision's
/// <c>Compose([Resize(resize), CenterCrop(crop), ToTensor(), Normalize(mean, std)])</c> does on a PIL image
/// (Paszke et al. 2019, "PyTorch: An Imperative Style, High-Performance Deep Learning Library"; the ImageNet statistics
/// of <see cref="ImageNet"/> are those of He et al. 2016, "Deep Residual Learning for Image Recognition", and every
/// torchvision model): transparency is composited over black, the channels are made <see cref="Channels"/> (gray is
/// repeated into R, G and B; color becomes gray by the ITU-R BT.601 luma, as PIL's <c>convert("L")</c> and torchvision's
/// <c>Grayscale</c>, within one 8-bit level of PIL's fixed-point rounding), the shorter side is resized to
/// <see cref="Resize"/> with Pillow's antialiased bilinear filter (the same bytes as Pillow 9.4), the center
/// <see cref="Crop"/> x <see cref="Crop"/> is cut with torchvision's rounding (zero padding where the image is smaller),
/// and each channel is mapped to <c>(v / 255 - mean) / std</c> in float32.
/// </summary>
public sealed record ImagePreprocessing
{
    /// <summary>Creates a preprocessing; the defaults leave the size alone and the values in [0, 1].</summary>
    /// <param name="channels">1 (gray) or 3 (RGB): the channels the model takes.</param>
    /// <param name="resize">The shorter side's length after resizing (the longer keeps the aspect), or null to keep the size.</param>
    /// <param name="crop">The side of the center square cut after resizing, or null for no crop.</param>
    /// <param name="mean">One mean per channel subtracted after scaling to [0, 1], or null for zeros.</param>
    /// <param name="std">One standard deviation per channel divided by, or null for ones.</param>
    /// <exception cref="ArgumentOutOfRangeException">The channel count is not 1 or 3, or a size is below 1.</exception>
    /// <exception cref="ArgumentException">A mean or std list has another length than the channel count, a value is not finite, or a std is not positive.</exception>
    public ImagePreprocessing(int channels, int? resize = null, int? crop = null, IReadOnlyList<float>? mean = null, IReadOnlyList<float>? std = null)
    {
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be 1 (gray) or 3 (RGB).");
        }
        if (resize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(resize), resize, "The resize length must be at least 1 pixel.");
        }
        if (crop is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(crop), crop, "The crop side must be at least 1 pixel.");
        }
        Channels = channels;
        Resize = resize;
        Crop = crop;
        Mean = PerChannel(mean, 0f, channels, nameof(mean), positive: false);
        Std = PerChannel(std, 1f, channels, nameof(std), positive: true);
    }

    /// <summary>torchvision's ImageNet preprocessing: RGB, resize 256, center crop 224, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).</summary>
    public static ImagePreprocessing ImageNet { get; } = new(3, 256, 224, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>1 (gray) or 3 (RGB).</summary>
    public int Channels { get; }

    /// <summary>The shorter side's length after resizing, or null to keep the size.</summary>
    public int? Resize { get; }

    /// <summary>The side of the center square cut after resizing, or null for no crop.</summary>
    public int? Crop { get; }

    /// <summary>The per-channel means subtracted from values in [0, 1].</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>The per-channel standard deviations divided by.</summary>
    public IReadOnlyList<float> Std { get; }

    /// <summary>
    /// The 8-bit picture the model sees, before scaling and normalizing: composited over black, converted to
    /// <see cref="Channels"/>, resized and cropped. Figures draw it under their heatmaps.
    /// </summary>
    public Image Prepare(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var picture = image.CompositeOverBlack().ToChannels(Channels);
        if (Resize is { } side)
        {
            var (width, height) = ResizedSize(picture.Width, picture.Height, side);
            picture = AntialiasedBilinear.Resize(picture, width, height);
        }
        return Crop is { } crop ? CenterCrop(picture, crop) : picture;
    }

    /// <summary>
    /// The size <see cref="Prepare"/> gives an image of <paramref name="width"/> x <paramref name="height"/>, so that a file's
    /// header (<see cref="ImageFile.ReadSize"/>) tells whether its picture fits a model before any pixel is decoded.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    public (int Width, int Height) OutputSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var size = Resize is { } side ? ResizedSize(width, height, side) : (width, height);
        return Crop is { } crop ? (crop, crop) : size;
    }

    /// <summary>The model's input for <paramref name="image"/>: <see cref="Prepare"/>, then <c>(v / 255 - mean) / std</c>, float32 [C, H, W].</summary>
    public Tensor Apply(Image image)
    {
        // The batch of one is an intermediate: the scope frees it, the returned view of it moves out.
        using var scope = NewDisposeScope();
        return Normalize([Prepare(image)]).squeeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The inputs of several images, [N, C, H, W]; every prepared image must have the same size (give a
    /// <see cref="Crop"/>, or images of one size). The images are enumerated once and each is prepared as it comes, so
    /// a lazy sequence (files decoded one by one) holds only the small prepared pictures, never all the photos.
    /// </summary>
    /// <exception cref="ArgumentException">The sequence is empty, or two prepared images differ in size (the message names both).</exception>
    public Tensor ApplyBatch(IEnumerable<Image> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        List<Image> prepared = [.. images.Select(Prepare)];
        if (prepared.Count == 0)
        {
            throw new ArgumentException("No images were given; a batch needs at least one.", nameof(images));
        }
        return Normalize(prepared);
    }

    /// <summary>
    /// Normalized inputs [N, C, H, W] mapped back to [0, 1], <c>v * std + mean</c>: the pictures as the model saw them, for
    /// drawing. A new tensor; the inputs are not changed.
    /// </summary>
    /// <exception cref="ArgumentException">The inputs are not 4-D with <see cref="Channels"/> channels.</exception>
    public Tensor Denormalize(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.ndim != 4 || inputs.size(1) != Channels)
        {
            throw new ArgumentException(
                $"Expected inputs [N, {Channels}, H, W], got [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        }
        using var scope = NewDisposeScope();
        var std = tensor(Std.ToArray(), [1, Channels, 1, 1], ScalarType.Float32, inputs.device);
        var mean = tensor(Mean.ToArray(), [1, Channels, 1, 1], ScalarType.Float32, inputs.device);
        return (inputs.to(ScalarType.Float32) * std + mean).MoveToOuterDisposeScope();
    }

    /// <summary>torchvision's size for <c>Resize(side)</c>: the shorter side becomes <paramref name="side"/>, the longer <c>int(side * long / short)</c>.</summary>
    internal static (int Width, int Height) ResizedSize(int width, int height, int side)
    {
        var (shorter, longer) = width <= height ? (width, height) : (height, width);
        var scaled = (int)Math.Min(int.MaxValue, (double)side * longer / shorter);
        return width <= height ? (side, scaled) : (scaled, side);
    }

    /// <summary>
    /// The offset of a <paramref name="crop"/>-long window centered on <paramref name="length"/> pixels, as torchvision's
    /// <c>center_crop</c>: <c>int(round((length - crop) / 2))</c> (half to even) inside, or minus the left padding
    /// <c>(crop - length) // 2</c> when the image is smaller.
    /// </summary>
    internal static int CropOffset(int length, int crop) =>
        length >= crop ? (int)Math.Round((length - crop) / 2.0, MidpointRounding.ToEven) : -((crop - length) / 2);

    private static Image CenterCrop(Image image, int crop)
    {
        var (left, top) = (CropOffset(image.Width, crop), CropOffset(image.Height, crop));
        var channels = image.Channels;
        var pixels = new byte[Image.ByteCount(crop, crop, channels)];
        for (var y = 0; y < crop; y++)
        {
            var sourceY = top + y;
            if (sourceY < 0 || sourceY >= image.Height)
            {
                continue;
            }
            // Columns outside the image stay 0: torchvision pads with zeros before cropping.
            var firstX = Math.Max(0, -left);
            var lastX = Math.Min(crop, image.Width - left);
            if (lastX > firstX)
            {
                image.Pixels.AsSpan((((sourceY * image.Width) + left + firstX) * channels), (lastX - firstX) * channels)
                    .CopyTo(pixels.AsSpan(((y * crop) + firstX) * channels));
            }
        }
        return new Image(crop, crop, channels, pixels);
    }

    /// <summary>[N, C, H, W] float32 of the prepared pictures, <c>(v / 255 - mean) / std</c> in float32 as torchvision computes it.</summary>
    private Tensor Normalize(IReadOnlyList<Image> pictures)
    {
        var (width, height) = (pictures[0].Width, pictures[0].Height);
        var mismatch = pictures.Select((p, i) => (p, i)).FirstOrDefault(x => x.p.Width != width || x.p.Height != height);
        if (mismatch.p is not null)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Image {mismatch.i} comes out {mismatch.p.Width}x{mismatch.p.Height} but image 0 {width}x{height}; give a crop so that every image has one size."), "images");
        }
        var plane = width * height;
        var values = new float[pictures.Count * Channels * plane];
        for (var n = 0; n < pictures.Count; n++)
        {
            var pixels = pictures[n].Pixels;
            for (var c = 0; c < Channels; c++)
            {
                var (mean, std, at) = (Mean[c], Std[c], ((n * Channels) + c) * plane);
                for (var i = 0; i < plane; i++)
                {
                    // Two float32 steps, as ToTensor's div(255) and Normalize's sub(mean).div(std), so the values equal PyTorch's.
                    var scaled = pixels[(i * Channels) + c] / 255f;
                    values[at + i] = (scaled - mean) / std;
                }
            }
        }
        return tensor(values, [pictures.Count, Channels, height, width]);
    }

    private static float[] PerChannel(IReadOnlyList<float>? values, float fill, int channels, string name, bool positive)
    {
        if (values is null)
        {
            return Enumerable.Repeat(fill, channels).ToArray();
        }
        if (values.Count != channels)
        {
            throw new ArgumentException($"Expected one {name} value per channel ({channels}), got {values.Count}.", name);
        }
        foreach (var v in values)
        {
            if (!float.IsFinite(v) || (positive && v <= 0f))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Every {name} value must be a finite number{(positive ? " above 0" : "")}, got {v}."), name);
            }
        }
        return [.. values];
    }
}
