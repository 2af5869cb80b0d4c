using System.Buffers.Binary;
using SkiaSharp;
using TrainExplain.Imaging;
using TrainExplain.Testing;

namespace TrainExplain.Tests.Imaging;

public sealed class ImageFileTests
{
    // Written by Python's zlib + struct, not by Skia: a 3x2 palette image (red, green, blue / blue, green, red) with
    // tRNS giving red alpha 128, and a tEXt chunk to skip.
    private const string PythonPalettePng =
        "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAMAAACqqpYoAAAACVBMVEX/AAAA/wAAAP8tSs2KAAAAAXRSTlOArV5bRgAAAA50RVh0Q29tbWVudABweXRob26c3JV0AAAAEElEQVR4nGNgYGRiYGJkAAAAIAAHHStwoAAAAABJRU5ErkJggg==";

    // Written by Python's zlib + struct: a 4x5 RGB image whose row y uses filter y (None, Sub, Up, Average, Paeth).
    private const string PythonFilterPng =
        "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAFCAIAAADtz9qMAAAATElEQVR4nAFBAL7/AHlCvfIhBvCEd2Lw8wHLTXaCepHTig56vnQCJ3lkfRw9m+D9q+7mAwt8LTDkRAf7SoTWxgQjVtKxXKWYgLgfunYAuh9jLpPPTAAAAABJRU5ErkJggg==";

    private const string PythonFilterPixels =
        "7942bdf22106f0847762f0f3cb4d764dc7072051159a0f89f2c6dacae344bb311245fd6f84df9ad7c5b3d076ac0e8f53a7356c88913f20f6f72db022";

    // Written by Python's zlib + struct: a 3x1 gray+alpha image (10, 255), (128, 0), (250, 77).
    private const string PythonGrayAlphaPng = "iVBORw0KGgoAAAANSUhEUgAAAAMAAAABCAQAAACx6dw/AAAAD0lEQVR4nGPg+t/A8MsXAAl/AtFw9zEDAAAAAElFTkSuQmCC";

    // Written by Python's zlib + struct: a 4x1 16-bit gray image of samples 0x0000, 0x00FF, 0x807F, 0xFFFF.
    private const string PythonGray16Png = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAABEAAAAACMx4xSAAAAEUlEQVR4nGNgYGD431D//z8AC34D/diBvHUAAAAASUVORK5CYII=";

    // Written by Python's zlib + struct: a 2x1 16-bit RGBA image (0x1234, 0xABCD, 0x00FF, 0xFFFF), (0xFF00, 0x0101, 0x7F80, 0x8000).
    private const string PythonRgba16Png = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABEAYAAACksqPJAAAAGElEQVR4nGMQMll9luE/EDAwMtY3NDAAAEJhBzwpwEPfAAAAAElFTkSuQmCC";

    // Written by Python's zlib + struct: a 5x5 RGB image in Adam7's seven passes, pixel (x, y) = (50 x, 50 y, (13 x y + 7) % 256).
    private const string PythonAdam7Png =
        "iVBORw0KGgoAAAANSUhEUgAAAAUAAAAFCAIAAAF1CoEkAAAAT0lEQVR4nA3IMRHAMBADQXVPIARMwIVa4zAD9SYQHCJgMmIQOvniZnYOQCEdUskHNZUDqKQVHRDlntSwNpjlXIBFPuIwZ7gAFz3lbb/x/QHNABlMripuqQAAAABJRU5ErkJggg==";

    // Written by Python's zlib + struct: a 10x1 1-bit gray image of bits 1010011101.
    private const string PythonGray1Png = "iVBORw0KGgoAAAANSUhEUgAAAAoAAAABAQAAAADPjgLTAAAAC0lEQVR4nGNY7gAAAZEA6KlRsiMAAAAASUVORK5CYII=";

    [Fact]
    public void Decode_ReadsPythonPaletteImageWithTransparency()
    {
        var image = ImageFile.Decode(Convert.FromBase64String(PythonPalettePng));
        Assert.Equal(
            new Image(3, 2, 4, [255, 0, 0, 128, 0, 255, 0, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 255, 0, 255, 255, 0, 0, 128]),
            image);
    }

    [Fact]
    public void Decode_ReversesAllFiveFilters()
    {
        var image = ImageFile.Decode(Convert.FromBase64String(PythonFilterPng));
        Assert.Equal(new Image(4, 5, 3, Convert.FromHexString(PythonFilterPixels)), image);
    }

    [Fact]
    public void Decode_KeepsGrayPlusAlphaAsTwoChannels()
    {
        Assert.Equal(new Image(3, 1, 2, [10, 255, 128, 0, 250, 77]), ImageFile.Decode(Convert.FromBase64String(PythonGrayAlphaPng)));
    }

    [Fact]
    public void Decode_KeepsTheHighByteOfSixteenBitSamples()
    {
        Assert.Equal(new Image(4, 1, 1, [0x00, 0x00, 0x80, 0xFF]), ImageFile.Decode(Convert.FromBase64String(PythonGray16Png)));
        Assert.Equal(new Image(2, 1, 4, [0x12, 0xAB, 0x00, 0xFF, 0xFF, 0x01, 0x7F, 0x80]), ImageFile.Decode(Convert.FromBase64String(PythonRgba16Png)));
    }

    [Fact]
    public void Decode_ReadsInterlacedAndOneBitImages()
    {
        var pixels = new byte[5 * 5 * 3];
        for (var (y, i) = (0, 0); y < 5; y++)
        {
            for (var x = 0; x < 5; x++, i += 3)
            {
                (pixels[i], pixels[i + 1], pixels[i + 2]) = ((byte)(50 * x), (byte)(50 * y), (byte)(((13 * x * y) + 7) % 256));
            }
        }

        Assert.Equal(new Image(5, 5, 3, pixels), ImageFile.Decode(Convert.FromBase64String(PythonAdam7Png)));
        Assert.Equal(new Image(10, 1, 1, [255, 0, 255, 0, 0, 255, 255, 255, 0, 255]), ImageFile.Decode(Convert.FromBase64String(PythonGray1Png)));
    }

    [Fact]
    public void Decode_ReadsJpeg()
    {
        // At quality 100 a flat 8x8 block is its DC coefficient alone, stored exactly; color passes through YCbCr and
        // comes back within one step per channel.
        var gray = new Image(16, 8, 1, Enumerable.Repeat((byte)77, 16 * 8).ToArray());
        Assert.Equal(gray, ImageFile.Decode(SkiaEncode(gray, SKEncodedImageFormat.Jpeg)));
        var color = new Image(16, 8, 3, Enumerable.Range(0, 16 * 8).SelectMany(_ => new byte[] { 200, 40, 90 }).ToArray());
        var decoded = ImageFile.Decode(SkiaEncode(color, SKEncodedImageFormat.Jpeg));
        Assert.Equal((16, 8, 3), (decoded.Width, decoded.Height, decoded.Channels));
        Assert.All(decoded.Pixels.Select((value, i) => Math.Abs(value - color.Pixels[i])), difference => Assert.InRange(difference, 0, 1));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Decode_ReadsLosslessWebpExactly(int channels)
    {
        var image = PngTests.SmoothNoise(9, 5, channels);
        Assert.Equal(image, ImageFile.Decode(SkiaEncode(image, SKEncodedImageFormat.Webp)));
    }

    // Written by PIL: a 3x2 24-bit BMP (rows padded to 4 bytes, stored bottom-up, BGR), pixel (x, y) = (40 x + 10, 90 y + 5, 200 - 30 x - 50 y).
    private const string PythonRgbBmp = "Qk1OAAAAAAAAADYAAAAoAAAAAwAAAAIAAAABABgAAAAAABgAAADEDgAAxA4AAAAAAAAAAAAAll8KeF8yWl9aAAAAyAUKqgUyjAVaAAAA";

    // Written by PIL: a 4x3 GIF89a of two frames, palette black, red, green, blue with black transparent; the first frame's
    // pixel (x, y) has index (x + y) % 4, the second frame is all blue.
    private const string PythonTwoFrameGif = "R0lGODlhBAADAIEAAAAAAP8AAAD/AAAA/yH5BAEKAAAALAAAAAAEAAMAAAgNAAEEEDBg4AAABAUGBAAh+QQBCgAAACwAAAAABAADAIEAAP8AAAAAAAAAAAAICAABCBxIUGBAADs=";

    [Fact]
    public void Decode_ReadsBmp()
    {
        Assert.Equal(new Image(3, 2, 3, [10, 5, 200, 50, 5, 170, 90, 5, 140, 10, 95, 150, 50, 95, 120, 90, 95, 90]),
            ImageFile.Decode(Convert.FromBase64String(PythonRgbBmp)));
    }

    [Fact]
    public void Decode_ReadsAGrayPaletteBmpAsGray()
    {
        // A hand-made 8-bit BMP: 2x1, a 256-entry gray palette, pixels 7 and 250 (the row padded to 4 bytes).
        var bmp = new byte[54 + 1024 + 4];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54 + 1024); // pixel data offset
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40); // BITMAPINFOHEADER
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 2);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 8);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(46), 256);
        for (var i = 0; i < 256; i++)
        {
            bmp[54 + (4 * i)] = bmp[55 + (4 * i)] = bmp[56 + (4 * i)] = (byte)i;
        }
        (bmp[54 + 1024], bmp[55 + 1024]) = (7, 250);
        Assert.Equal(new Image(2, 1, 1, [7, 250]), ImageFile.Decode(bmp));
    }

    [Fact]
    public void Decode_ReadsTheFirstFrameOfAGifWithItsTransparency()
    {
        byte[][] palette = [[0, 0, 0, 0], [255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255]];
        var expected = Enumerable.Range(0, 12).SelectMany(i => palette[((i % 4) + (i / 4)) % 4]).ToArray();
        Assert.Equal(new Image(4, 3, 4, expected), ImageFile.Decode(Convert.FromBase64String(PythonTwoFrameGif)));
    }

    [Fact]
    public void ReadSize_ReadsBmpAndGifHeaders()
    {
        var directory = Directory.CreateTempSubdirectory("bmp-gif").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(directory, "a.bmp"), Convert.FromBase64String(PythonRgbBmp));
            File.WriteAllBytes(Path.Combine(directory, "a.gif"), Convert.FromBase64String(PythonTwoFrameGif));
            Assert.Equal((3, 2), ImageFile.ReadSize(Path.Combine(directory, "a.bmp")));
            Assert.Equal((4, 3), ImageFile.ReadSize(Path.Combine(directory, "a.gif")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Decode_RefusesABmpDeclaringTooManyPixels()
    {
        var bmp = Convert.FromBase64String(PythonRgbBmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 9000);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), 9000);
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.Decode(bmp));
        Assert.Equal($"BMP of 9000x9000 pixels is larger than the {ImageFile.MaxPixels} pixels this decoder reads.", e.Message);
    }

    /// <summary>
    /// A gray JPEG of 2x3 flat 8x8 blocks (stored exactly at quality 100), tagged with each EXIF orientation, comes out as
    /// a viewer shows it. The expected block layouts are written out by hand from the EXIF definitions (1 as stored,
    /// 2 mirrored, 3 turned half, 4 flipped, 5 transposed, 6 turned a quarter clockwise, 7 transversed, 8 turned a quarter
    /// counterclockwise); the stored blocks are a b / c d / e f.
    /// </summary>
    [Theory]
    [InlineData(1, 2, "ab/cd/ef")]
    [InlineData(2, 2, "ba/dc/fe")]
    [InlineData(3, 2, "fe/dc/ba")]
    [InlineData(4, 2, "ef/cd/ab")]
    [InlineData(5, 3, "ace/bdf")]
    [InlineData(6, 3, "eca/fdb")]
    [InlineData(7, 3, "fdb/eca")]
    [InlineData(8, 3, "bdf/ace")]
    public void Decode_AppliesTheExifOrientation(int orientation, int blockColumns, string layout)
    {
        var values = new Dictionary<char, byte> { ['a'] = 20, ['b'] = 60, ['c'] = 100, ['d'] = 140, ['e'] = 180, ['f'] = 220 };
        var jpeg = WithExifOrientation(SkiaEncode(Blocks("ab/cd/ef", values), SKEncodedImageFormat.Jpeg), orientation);
        var decoded = ImageFile.Decode(jpeg);
        Assert.Equal(Blocks(layout, values), decoded);
        Assert.Equal(blockColumns * 8, decoded.Width);
        var directory = Directory.CreateTempSubdirectory("exif").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(directory, "a.jpg"), jpeg);
            Assert.Equal((decoded.Width, decoded.Height), ImageFile.ReadSize(Path.Combine(directory, "a.jpg")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A gray image of flat 8x8 blocks, rows of <paramref name="layout"/> split by '/'.</summary>
    private static Image Blocks(string layout, Dictionary<char, byte> values)
    {
        var rows = layout.Split('/');
        var (width, height) = (rows[0].Length * 8, rows.Length * 8);
        var pixels = new byte[width * height];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = values[rows[i / width / 8][i % width / 8]];
        }
        return new Image(width, height, 1, pixels);
    }

    /// <summary><paramref name="jpeg"/> with an EXIF APP1 segment after its SOI: a little-endian TIFF IFD of the one tag 274 (orientation).</summary>
    private static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        byte[] tiff = [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, 0, 0, 0, 0, 0, 0, 0];
        byte[] exif = [.. "Exif\0\0"u8, .. tiff];
        var length = exif.Length + 2;
        return [0xFF, 0xD8, 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. exif, .. jpeg.AsSpan(2)];
    }

    [Fact]
    public void Decode_RefusesMissingSignature()
    {
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.Decode([1, 2, 3]));
        Assert.Equal("Not a PNG, JPEG, WebP, BMP or GIF file: it starts with none of their signatures.", e.Message);
    }

    [Fact]
    public void Decode_RefusesAnotherFormatSkiaReads()
    {
        // An ICO header (reserved 0, type 1, one image): Skia reads icons, this decoder does not.
        var ico = new byte[58];
        (ico[2], ico[4]) = (1, 1);
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.Decode(ico));
        Assert.Contains("Not a PNG, JPEG, WebP, BMP or GIF file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RefusesEveryTruncation()
    {
        foreach (var encoded in new[] { Png.Encode(PngTests.SmoothNoise(6, 6, 3)), SkiaEncode(PngTests.SmoothNoise(16, 16, 3), SKEncodedImageFormat.Jpeg) })
        {
            for (var length = 8; length < encoded.Length; length++)
            {
                var e = Assert.Throws<InvalidDataException>(() => ImageFile.Decode(encoded.AsSpan(0, length)));
                Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Decode_RefusesCorruptImageData()
    {
        var png = Convert.FromBase64String(PythonFilterPng);
        png[45] ^= 0x10; // inside the IDAT data (signature 8 + IHDR 25 + IDAT header 8 = 41)
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.Decode(png));
        Assert.Equal("PNG image data is corrupt (Skia: ErrorInInput).", e.Message);
    }

    [Fact]
    public void Decode_RefusesAnInvalidHeader()
    {
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.Decode(WithHeaderByte(9, 5))); // color type 5 does not exist
        Assert.Contains("truncated or corrupt: its header cannot be read", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RefusesImageDataOfTheWrongSize()
    {
        var png = Png.Encode(PngTests.SmoothNoise(4, 4, 1));
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 5); // claim one column more than the data holds
        FixChunkCrc(png, 8);
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.Decode(png));
        Assert.Equal("PNG image data is corrupt (Skia: ErrorInInput).", e.Message);
    }

    [Fact]
    public void Load_RefusesADeviceAndAFifoBeforeOpeningThem()
    {
        // Reading /dev/zero never ends, and opening a FIFO waits for a writer forever: both are refused by their kind.
        Assert.Equal("'/dev/zero' is a character device, not a PNG, JPEG, WebP, BMP or GIF file.", Assert.Throws<IOException>(() => ImageFile.Load("/dev/zero")).Message);
        var folder = Directory.CreateTempSubdirectory("image-fifo").FullName;
        try
        {
            var fifo = SpecialFiles.Fifo(Path.Combine(folder, "fifo.png"));
            Assert.Equal($"'{fifo}' is a FIFO (named pipe), not a PNG, JPEG, WebP, BMP or GIF file.", Assert.Throws<IOException>(() => ImageFile.Load(fifo)).Message);
            Assert.Equal($"'{fifo}' is a FIFO (named pipe), not a PNG, JPEG, WebP, BMP or GIF file.", Assert.Throws<IOException>(() => ImageFile.ReadSize(fifo)).Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_RefusesAFileOverItsByteLimitAndAFolder()
    {
        var directory = Directory.CreateTempSubdirectory("png-tests-").FullName;
        try
        {
            var path = Path.Combine(directory, "noise.png");
            var bytes = Png.Encode(PngTests.SmoothNoise(64, 64, 3));
            File.WriteAllBytes(path, bytes);
            Assert.Equal(64, ImageFile.Load(path, maxFileBytes: bytes.Length).Width);
            var tooLarge = Assert.Throws<InvalidDataException>(() => ImageFile.Load(path, maxFileBytes: bytes.Length - 1));
            Assert.Equal($"'{path}' holds more than {bytes.Length - 9} bytes, the most a PNG, JPEG, WebP, BMP or GIF file may have here.", tooLarge.Message);
            var folder = Assert.Throws<IOException>(() => ImageFile.Load(directory));
            Assert.Equal($"'{directory}' is a folder, not a PNG, JPEG, WebP, BMP or GIF file.", folder.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void LoadAndReadSize_NameTheFileOfAnInvalidHeader()
    {
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.png");
        try
        {
            File.WriteAllBytes(path, WithHeaderByte(9, 5));
            var load = Assert.Throws<InvalidDataException>(() => ImageFile.Load(path));
            var size = Assert.Throws<InvalidDataException>(() => ImageFile.ReadSize(path));
            Assert.StartsWith($"{path}: ", load.Message, StringComparison.Ordinal);
            Assert.Contains("header cannot be read", load.Message, StringComparison.Ordinal);
            Assert.Equal(load.Message, size.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadSize_ReadsAJpegHeader()
    {
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.jpg");
        try
        {
            File.WriteAllBytes(path, SkiaEncode(PngTests.SmoothNoise(24, 9, 3), SKEncodedImageFormat.Jpeg));
            Assert.Equal((24, 9), ImageFile.ReadSize(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadSizeReadsTheHeaderAloneAndDecodeRefusesHugeImagesBeforeAllocating()
    {
        // A 5000x5000 header over 2x2 pixels of data: ReadSize answers from the header.
        var png = Png.Encode(PngTests.SmoothNoise(2, 2, 3));
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 5000);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 5000);
        FixChunkCrc(png, 8);
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.png");
        try
        {
            File.WriteAllBytes(path, png);
            Assert.Equal((5000, 5000), ImageFile.ReadSize(path));
        }
        finally
        {
            File.Delete(path);
        }
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 100_000);
        FixChunkCrc(png, 8);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.Decode(png));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
        Assert.Equal($"PNG of 100000x5000 pixels is larger than the {ImageFile.MaxPixels} pixels this decoder reads.", e.Message);
    }

    /// <summary>The image as Skia's JPEG (quality 100) or lossless WebP encoder writes it.</summary>
    private static byte[] SkiaEncode(Image image, SKEncodedImageFormat format)
    {
        using var pixels = new ImagePixmap(image);
        using var encoded = format == SKEncodedImageFormat.Webp
            ? pixels.Pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100))
            : pixels.Pixmap.Encode(format, 100);
        return encoded.ToArray();
    }

    private static byte[] WithHeaderByte(int index, byte value)
    {
        var png = Png.Encode(PngTests.SmoothNoise(2, 2, 3));
        png[16 + index] = value; // IHDR data starts at byte 16
        FixChunkCrc(png, 8);
        return png;
    }

    private static void FixChunkCrc(byte[] png, int chunkOffset)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(chunkOffset));
        var crc = PngCrc32Reference(png.AsSpan(chunkOffset + 4, length + 4));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(chunkOffset + 8 + length), crc);
    }

    // Bitwise CRC-32 (ISO-HDLC) straight from its definition.
    private static uint PngCrc32Reference(ReadOnlySpan<byte> bytes)
    {
        var crc = uint.MaxValue;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
