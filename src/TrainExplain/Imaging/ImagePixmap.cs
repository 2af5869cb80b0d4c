using System.Buffers;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace TrainExplain.Imaging;

/// <summary>
/// An <see cref="Image"/>'s pixels as a Skia pixmap, for encoding and drawing. Gray and RGBA images are lent in place
/// (pinned until disposed). Skia has no 3-byte RGB or 2-byte gray+alpha color type, so those are widened to RGBA first
/// (RGB with opaque alpha, gray+alpha with its gray in R, G and B) into a pooled buffer: a fresh 4 MiB array cost
/// 70 ms of page faults per 1024x1024 picture here, the pooled one 2 ms. No color space is attached, so Skia converts
/// no colors.
/// </summary>
internal sealed class ImagePixmap : IDisposable
{
    private readonly byte[]? pooled;
    private GCHandle pin;

    /// <summary>Pins <paramref name="image"/>'s pixels, or a widened copy of them, behind <see cref="Pixmap"/>.</summary>
    internal ImagePixmap(Image image)
    {
        var gray = image.Channels == 1;
        var info = new SKImageInfo(
            image.Width, image.Height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, image.HasAlpha ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
        var pixels = image.Pixels;
        if (image.Channels is 2 or 3)
        {
            pooled = ArrayPool<byte>.Shared.Rent(info.BytesSize);
            Image.ConvertChannels(image.Pixels, image.Channels, pooled.AsSpan(0, info.BytesSize), 4);
            pixels = pooled;
        }

        pin = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        Pixmap = new SKPixmap(info, pin.AddrOfPinnedObject(), info.RowBytes);
    }

    /// <summary>The pixels; valid until this is disposed.</summary>
    internal SKPixmap Pixmap { get; }

    /// <summary>Releases the pixmap, unpins the pixels and returns a widened copy to the pool.</summary>
    public void Dispose()
    {
        Pixmap.Dispose();
        if (pin.IsAllocated)
        {
            pin.Free();
        }

        if (pooled is not null)
        {
            ArrayPool<byte>.Shared.Return(pooled);
        }
    }
}
