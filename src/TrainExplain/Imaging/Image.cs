namespace TrainExplain.Imaging;

/// <summary>
/// An 8-bit image: <see cref="Width"/> x <see cref="Height"/> pixels of <see cref="Channels"/> bytes each
/// (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA), stored row-major and interleaved (R, G, B, R, G, B, ...).
/// Two images are equal when their size, channel count and every pixel byte are equal.
/// </summary>
public sealed class Image : IEquatable<Image>
{
    private readonly byte[] pixels;

    /// <summary>Wraps <paramref name="pixels"/> (not copied) as an image of the given size and channel count.</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="channels">1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA).</param>
    /// <param name="pixels">Exactly <c>width * height * channels</c> bytes, row-major, channels interleaved.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, the channel count is not 1 to 4, or the pixel count overflows.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> has the wrong length.</exception>
    public Image(int width, int height, int channels, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        var expected = ByteCount(width, height, channels);
        if (pixels.Length != expected)
        {
            throw new ArgumentException(
                $"A {width}x{height} image with {channels} channel(s) needs {expected} pixel bytes, but {pixels.Length} were given.",
                nameof(pixels));
        }

        Width = width;
        Height = height;
        Channels = channels;
        this.pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Bytes per pixel: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.</summary>
    public int Channels { get; }

    /// <summary>The pixel bytes, row-major, channels interleaved; the image owns this array and callers may modify it.</summary>
    public byte[] Pixels => this.pixels;

    /// <summary>Whether the last channel is alpha (2 or 4 channels).</summary>
    public bool HasAlpha => Channels is 2 or 4;

    /// <summary>The byte of channel <paramref name="channel"/> of the pixel at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate or the channel is outside the image.</exception>
    public byte this[int x, int y, int channel]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(x);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, Width);
            ArgumentOutOfRangeException.ThrowIfNegative(y);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
            ArgumentOutOfRangeException.ThrowIfNegative(channel);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, Channels);
            return this.pixels[(((y * Width) + x) * Channels) + channel];
        }
    }

    /// <summary>
    /// A gray image from values in [0, 1] (row-major, <paramref name="width"/> x <paramref name="height"/>);
    /// values outside are clamped, v maps to the byte round(255 v), and NaN is drawn as 0 (black), as heatmaps draw it: a
    /// diverged model's pictures still draw, and the caller says how many values were NaN.
    /// </summary>
    /// <exception cref="ArgumentException">The value count is not width x height.</exception>
    public static Image FromGray(ReadOnlySpan<float> values01, int width, int height)
    {
        var pixels = new byte[ByteCount(width, height, 1)];
        RequireLength(values01.Length, pixels.Length, $"{width}x{height}", nameof(values01));
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = ToByte(values01[i]);
        }

        return new Image(width, height, 1, pixels);
    }

    /// <summary>
    /// An image from planar values in [0, 1] laid out as [channels, height, width] (one sample of an NCHW batch,
    /// as PyTorch stores it); values outside are clamped, v maps to the byte round(255 v), and NaN is drawn as 0 (black),
    /// as in <see cref="FromGray"/>.
    /// </summary>
    /// <param name="chw01">channels x height x width values, channel planes one after another.</param>
    /// <param name="channels">1 (gray) or 3 (RGB) planes; 2 and 4 (with alpha) are accepted as well.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="width">Width in pixels.</param>
    /// <exception cref="ArgumentException">The value count is not channels x height x width.</exception>
    public static Image FromPlanar(ReadOnlySpan<float> chw01, int channels, int height, int width)
    {
        var pixels = new byte[ByteCount(width, height, channels)];
        RequireLength(chw01.Length, pixels.Length, $"{channels}x{height}x{width}", nameof(chw01));
        var plane = width * height;
        for (var c = 0; c < channels; c++)
        {
            for (var i = 0; i < plane; i++)
            {
                pixels[(i * channels) + c] = ToByte(chw01[(c * plane) + i]);
            }
        }

        return new Image(width, height, channels, pixels);
    }

    /// <summary>This image enlarged by an integer factor, each pixel becoming a factor x factor block (nearest neighbour).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is below 1 or the result would be too large.</exception>
    public Image UpscaleNearest(int factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        var width = checked(Width * factor);
        var height = checked(Height * factor);
        var result = new byte[ByteCount(width, height, Channels)];
        var sourceRow = Width * Channels;
        var targetRow = width * Channels;
        for (var y = 0; y < Height; y++)
        {
            var target = result.AsSpan(y * factor * targetRow, targetRow);
            var source = this.pixels.AsSpan(y * sourceRow, sourceRow);
            for (var x = 0; x < Width; x++)
            {
                var pixel = source.Slice(x * Channels, Channels);
                for (var k = 0; k < factor; k++)
                {
                    pixel.CopyTo(target[(((x * factor) + k) * Channels)..]);
                }
            }

            for (var k = 1; k < factor; k++)
            {
                target.CopyTo(result.AsSpan(((y * factor) + k) * targetRow, targetRow));
            }
        }

        return new Image(width, height, Channels, result);
    }

    /// <summary>
    /// This image with <paramref name="channels"/> channels: gray is replicated into R, G and B, color becomes gray
    /// by the ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B), a missing alpha becomes opaque (255) and a dropped
    /// alpha is discarded (not composited). Returns this instance when the channel count already matches.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="channels"/> is not 1 to 4.</exception>
    public Image ToChannels(int channels)
    {
        RequireChannels(channels);
        if (channels == Channels)
        {
            return this;
        }

        var result = new byte[ByteCount(Width, Height, channels)];
        ConvertChannels(this.pixels, Channels, result, channels);
        return new Image(Width, Height, channels, result);
    }

    /// <summary>
    /// This image composited over black, without its alpha: each color value times alpha / 255, rounded (what a viewer
    /// shows on a black background, and what a model trained on black-background images such as MNIST's expects).
    /// Returns this instance when the image has no alpha.
    /// </summary>
    public Image CompositeOverBlack()
    {
        if (Channels is 1 or 3)
        {
            return this;
        }
        var colors = Channels - 1;
        var result = new byte[ByteCount(Width, Height, colors)];
        for (int s = 0, t = 0; t < result.Length; s += Channels, t += colors)
        {
            var alpha = this.pixels[s + colors];
            for (var c = 0; c < colors; c++)
            {
                result[t + c] = (byte)(((this.pixels[s + c] * alpha) + 127) / 255);
            }
        }
        return new Image(Width, Height, colors, result);
    }

    /// <inheritdoc />
    public bool Equals(Image? other) =>
        other is not null && Width == other.Width && Height == other.Height && Channels == other.Channels
        && this.pixels.AsSpan().SequenceEqual(other.pixels);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Image);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Width, Height, Channels, this.pixels.Length);

    /// <inheritdoc />
    public override string ToString() => $"Image {Width}x{Height}x{Channels}";

    /// <summary>The byte count of an image, validating its size and channel count.</summary>
    internal static int ByteCount(int width, int height, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        RequireChannels(channels);
        var count = (long)width * height * channels;
        if (count > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(width), $"A {width}x{height} image with {channels} channel(s) has {count} bytes, more than an array can hold.");
        }

        return (int)count;
    }

    /// <summary>Maps a value in [0, 1] to a byte, clamping; NaN maps to 0.</summary>
    internal static byte ToByte(float value01) =>
        float.IsNaN(value01) ? (byte)0 : (byte)((Math.Clamp(value01, 0f, 1f) * 255f) + 0.5f);

    /// <summary>
    /// Writes the pixels of <paramref name="source"/> (<paramref name="sourceChannels"/> per pixel) into
    /// <paramref name="target"/> with <paramref name="targetChannels"/>, as <see cref="ToChannels"/> describes. The target
    /// may be a pooled buffer: Skia's 4-byte pixels of a large picture then need no fresh memory.
    /// </summary>
    internal static void ConvertChannels(ReadOnlySpan<byte> source, int sourceChannels, Span<byte> target, int targetChannels)
    {
        var (sourceColor, targetColor) = (sourceChannels >= 3, targetChannels >= 3);
        var (sourceAlpha, targetAlpha) = (sourceChannels is 2 or 4 ? sourceChannels - 1 : 0, targetChannels is 2 or 4 ? targetChannels - 1 : 0);
        for (int s = 0, t = 0; t < target.Length; s += sourceChannels, t += targetChannels)
        {
            if (targetColor)
            {
                target[t] = source[s];
                target[t + 1] = sourceColor ? source[s + 1] : source[s];
                target[t + 2] = sourceColor ? source[s + 2] : source[s];
            }
            else
            {
                target[t] = sourceColor ? Luma(source[s], source[s + 1], source[s + 2]) : source[s];
            }

            if (targetAlpha > 0)
            {
                target[t + targetAlpha] = sourceAlpha > 0 ? source[s + sourceAlpha] : byte.MaxValue;
            }
        }
    }

    /// <summary>Rejects a value span whose length does not match the pixel count.</summary>
    internal static void RequireLength(int actual, int expected, string shape, string parameterName)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} values for a {shape} image, but {actual} were given.", parameterName);
        }
    }

    private static void RequireChannels(int channels)
    {
        if (channels is < 1 or > 4)
        {
            throw new ArgumentOutOfRangeException(
                nameof(channels), channels, "Channels must be 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA).");
        }
    }

    private static byte Luma(byte r, byte g, byte b) => (byte)(((299 * r) + (587 * g) + (114 * b) + 500) / 1000);
}
