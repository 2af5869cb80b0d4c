using SkiaSharp;

namespace TrainExplain.Imaging;

/// <summary>
/// An RGB drawing surface on SkiaSharp for what <see cref="Image"/> cannot do itself: text (in <see cref="LabelFont"/>),
/// filled and outlined rectangles, and images placed at a position. <see cref="ToImage"/> gives the result as RGB.
/// </summary>
internal sealed class Canvas : IDisposable
{
    private readonly SKBitmap bitmap;
    private readonly SKCanvas canvas;
    private readonly SKPaint textPaint;

    /// <summary>A <paramref name="width"/> x <paramref name="height"/> surface filled with <paramref name="background"/>.</summary>
    internal Canvas(int width, int height, SKColor background)
    {
        _ = Image.ByteCount(width, height, 4);
        (Width, Height) = (width, height);
        bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        canvas = new SKCanvas(bitmap);
        canvas.Clear(background);
        textPaint = new SKPaint { Typeface = LabelFont.Typeface, IsAntialias = true, SubpixelText = true };
    }

    /// <summary>Width in pixels (kept here: SKBitmap asks native code each time).</summary>
    internal int Width { get; }

    /// <summary>Height in pixels.</summary>
    internal int Height { get; }

    /// <summary>Copies <paramref name="image"/> (any channel count, alpha ignored) with its top left corner at (<paramref name="left"/>, <paramref name="top"/>), clipped to the surface.</summary>
    internal void DrawImage(Image image, int left, int top)
    {
        canvas.Flush();
        var rgb = image.ToChannels(3).Pixels;
        var target = Pixels();
        var (first, last) = (Math.Max(0, -left), Math.Min(image.Width, Width - left));
        if (last <= first)
        {
            return;
        }
        for (var y = Math.Max(0, -top); y < image.Height && top + y < Height; y++)
        {
            var source = rgb.AsSpan(((y * image.Width) + first) * 3);
            var row = target[((((top + y) * Width) + left + first) * 4)..];
            for (var x = 0; x < last - first; x++)
            {
                row[(x * 4) + 0] = source[(x * 3) + 0];
                row[(x * 4) + 1] = source[(x * 3) + 1];
                row[(x * 4) + 2] = source[(x * 3) + 2];
                row[(x * 4) + 3] = byte.MaxValue;
            }
        }
    }

    /// <summary>Fills the rectangle at (<paramref name="left"/>, <paramref name="top"/>) of the given size.</summary>
    internal void Fill(int left, int top, int width, int height, SKColor color)
    {
        using var paint = new SKPaint { Color = color, Style = SKPaintStyle.Fill };
        canvas.DrawRect(left, top, width, height, paint);
    }

    /// <summary>Outlines the rectangle at (<paramref name="left"/>, <paramref name="top"/>) of the given size with a border <paramref name="thickness"/> pixels wide, inside it.</summary>
    internal void Frame(int left, int top, int width, int height, int thickness, SKColor color)
    {
        Fill(left, top, width, thickness, color);
        Fill(left, top + height - thickness, width, thickness, color);
        Fill(left, top, thickness, height, color);
        Fill(left + width - thickness, top, thickness, height, color);
    }

    /// <summary>The advance width of <paramref name="text"/> at <paramref name="size"/> pixels.</summary>
    internal float Measure(string text, float size)
    {
        textPaint.TextSize = size;
        return textPaint.MeasureText(text);
    }

    /// <summary>
    /// Draws <paramref name="text"/> at <paramref name="size"/> pixels with its baseline at <paramref name="baseline"/>,
    /// starting at <paramref name="x"/> (or ending there when <paramref name="alignRight"/>), shortened with an ellipsis to
    /// fit <paramref name="maxWidth"/> pixels.
    /// </summary>
    internal void Text(string text, float x, float baseline, float size, SKColor color, float maxWidth = float.PositiveInfinity, bool alignRight = false)
    {
        var fitted = Fit(text, size, maxWidth);
        var left = alignRight ? x - Measure(fitted, size) : x;
        textPaint.Color = color;
        canvas.DrawText(fitted, left, baseline, textPaint);
    }

    /// <summary>The surface as an RGB image.</summary>
    internal Image ToImage()
    {
        canvas.Flush();
        var source = Pixels();
        var pixelCount = Width * Height;
        var rgb = new byte[pixelCount * 3];
        for (var i = 0; i < pixelCount; i++)
        {
            rgb[i * 3] = source[i * 4];
            rgb[(i * 3) + 1] = source[(i * 4) + 1];
            rgb[(i * 3) + 2] = source[(i * 4) + 2];
        }
        return new Image(Width, Height, 3, rgb);
    }

    /// <summary>Frees the native surface.</summary>
    public void Dispose()
    {
        textPaint.Dispose();
        canvas.Dispose();
        bitmap.Dispose();
    }

    /// <summary><paramref name="text"/>, or its longest prefix that fits <paramref name="maxWidth"/> with an ellipsis (nothing where not even that fits).</summary>
    private string Fit(string text, float size, float maxWidth)
    {
        if (Measure(text, size) <= maxWidth)
        {
            return text;
        }
        var length = text.Length;
        while (length > 0 && Measure($"{text[..length]}…", size) > maxWidth)
        {
            length--;
        }
        return length > 0 || Measure("…", size) <= maxWidth ? $"{text[..length]}…" : "";
    }

    private unsafe Span<byte> Pixels() => new((void*)bitmap.GetPixels(), Width * Height * 4);
}
