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
        textPaint = TextPaint();
    }

    /// <summary>Width in pixels (kept here: SKBitmap asks native code each time).</summary>
    internal int Width { get; }

    /// <summary>Height in pixels.</summary>
    internal int Height { get; }

    /// <summary>Copies <paramref name="image"/> (any channel count, alpha ignored) with its top left corner at (<paramref name="left"/>, <paramref name="top"/>), clipped to the surface.</summary>
    internal void DrawImage(Image image, int left, int top)
    {
        // Copied, not blended: without its alpha the image is opaque.
        using var pixels = new ImagePixmap(image.HasAlpha ? image.ToChannels(image.Channels - 1) : image);
        using var picture = SKImage.FromPixels(pixels.Pixmap);
        canvas.DrawImage(picture, left, top);
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

    /// <summary>The advance width of <paramref name="text"/> at <paramref name="size"/> pixels, measured without a surface.</summary>
    internal static float MeasureAlone(string text, float size)
    {
        using var paint = TextPaint();
        paint.TextSize = size;
        return paint.MeasureText(text);
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

    /// <summary>
    /// <paramref name="text"/> broken into lines no wider than <paramref name="maxWidth"/> pixels at <paramref name="size"/>,
    /// greedily at spaces, so the lines joined by single spaces give the text back; only a word wider than a line is split,
    /// between characters. Static, so a figure can size itself before its surface exists.
    /// </summary>
    internal static IReadOnlyList<string> Wrap(string text, float size, float maxWidth)
    {
        using var paint = TextPaint();
        paint.TextSize = size;
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' '))
        {
            var joined = line.Length == 0 ? word : $"{line} {word}";
            if (paint.MeasureText(joined) <= maxWidth)
            {
                line = joined;
                continue;
            }
            if (line.Length > 0)
            {
                lines.Add(line);
            }
            line = word;
            while (line.Length > 1 && paint.MeasureText(line) > maxWidth)
            {
                var fits = 1;
                while (fits + 1 < line.Length && paint.MeasureText(line[..(fits + 1)]) <= maxWidth)
                {
                    fits++;
                }
                lines.Add(line[..fits]);
                line = line[fits..];
            }
        }
        lines.Add(line);
        return lines;
    }

    /// <summary>The surface as an RGB image.</summary>
    internal Image ToImage()
    {
        canvas.Flush();
        // Skia has no 3-byte color type: the surface is opaque RGBA, whose alpha is dropped.
        var rgb = new byte[Image.ByteCount(Width, Height, 3)];
        Image.ConvertChannels(bitmap.GetPixelSpan(), 4, rgb, 3);
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

    /// <summary>How every text is drawn and measured, so that what <see cref="Wrap"/> measures is what <see cref="Text"/> draws.</summary>
    private static SKPaint TextPaint() => new() { Typeface = LabelFont.Typeface, IsAntialias = true, SubpixelText = true };
}
