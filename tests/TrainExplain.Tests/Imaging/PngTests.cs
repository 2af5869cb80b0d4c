using System.Buffers.Binary;
using System.IO.Compression;
using TrainExplain.Imaging;
using TrainExplain.Testing;

namespace TrainExplain.Tests.Imaging;

public sealed class PngTests
{
    // Written by Python's zlib + struct, not by this encoder: a 3x2 palette image (red, green, blue / blue, green,
    // red) with tRNS giving red alpha 128, and a tEXt chunk to skip.
    private const string PythonPalettePng =
        "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAMAAACqqpYoAAAACVBMVEX/AAAA/wAAAP8tSs2KAAAAAXRSTlOArV5bRgAAAA50RVh0Q29tbWVudABweXRob26c3JV0AAAAEElEQVR4nGNgYGRiYGJkAAAAIAAHHStwoAAAAABJRU5ErkJggg==";

    // Written by Python's zlib + struct: a 4x5 RGB image whose row y uses filter y (None, Sub, Up, Average, Paeth).
    private const string PythonFilterPng =
        "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAFCAIAAADtz9qMAAAATElEQVR4nAFBAL7/AHlCvfIhBvCEd2Lw8wHLTXaCepHTig56vnQCJ3lkfRw9m+D9q+7mAwt8LTDkRAf7SoTWxgQjVtKxXKWYgLgfunYAuh9jLpPPTAAAAABJRU5ErkJggg==";

    private const string PythonFilterPixels =
        "7942bdf22106f0847762f0f3cb4d764dc7072051159a0f89f2c6dacae344bb311245fd6f84df9ad7c5b3d076ac0e8f53a7356c88913f20f6f72db022";

    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 17, 5, 1 }, { 7, 9, 2 }, { 31, 4, 3 }, { 64, 64, 3 }, { 5, 13, 4 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DecodeOfEncode_IsTheImage(int width, int height, int channels)
    {
        var image = SmoothNoise(width, height, channels);
        Assert.Equal(image, Png.Decode(Png.Encode(image)));
        Assert.Equal(image, Png.Decode(Png.Encode(image, CompressionLevel.Optimal)));
    }

    [Fact]
    public void Decode_ReadsPythonPaletteImageWithTransparency()
    {
        var image = Png.Decode(Convert.FromBase64String(PythonPalettePng));
        Assert.Equal(
            new Image(3, 2, 4, [255, 0, 0, 128, 0, 255, 0, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 255, 0, 255, 255, 0, 0, 128]),
            image);
    }

    [Fact]
    public void Decode_ReversesAllFiveFilters()
    {
        var image = Png.Decode(Convert.FromBase64String(PythonFilterPng));
        Assert.Equal(new Image(4, 5, 3, Convert.FromHexString(PythonFilterPixels)), image);
    }

    [Fact]
    public void Decode_RefusesMissingSignature()
    {
        var e = Assert.Throws<InvalidDataException>(() => Png.Decode([1, 2, 3]));
        Assert.Contains("signature", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RefusesEveryTruncation()
    {
        var png = Png.Encode(SmoothNoise(6, 6, 3));
        for (var length = 8; length < png.Length; length++)
        {
            var e = Assert.Throws<InvalidDataException>(() => Png.Decode(png.AsSpan(0, length)));
            Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Decode_RefusesCorruptChunkNamingTheCrc()
    {
        var png = Png.Encode(SmoothNoise(6, 6, 3));
        png[45] ^= 0x10; // inside the IDAT data (signature 8 + IHDR 25 + IDAT header 8 = 41)
        var e = Assert.Throws<InvalidDataException>(() => Png.Decode(png));
        Assert.Contains("chunk 'IDAT' at byte 33 is corrupt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RefusesInterlacedAndSixteenBit()
    {
        var interlaced = Assert.Throws<NotSupportedException>(() => Png.Decode(WithHeaderByte(12, 1)));
        Assert.Contains("interlaced", interlaced.Message, StringComparison.Ordinal);
        var sixteenBit = Assert.Throws<NotSupportedException>(() => Png.Decode(WithHeaderByte(8, 16)));
        Assert.Contains("bit depth 16", sixteenBit.Message, StringComparison.Ordinal);
        var colorType = Assert.Throws<InvalidDataException>(() => Png.Decode(WithHeaderByte(9, 5)));
        Assert.Contains("color type 5", colorType.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RefusesImageDataOfTheWrongSize()
    {
        var png = Png.Encode(SmoothNoise(4, 4, 1));
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 5); // claim one column more than the data holds
        FixChunkCrc(png, 8);
        var e = Assert.Throws<InvalidDataException>(() => Png.Decode(png));
        Assert.Contains("after decompression", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_RejectsNull()
    {
        Assert.Throws<ArgumentNullException>(() => Png.Encode(null!));
    }

    [Fact]
    public void SaveThenLoad_RoundTripsAndLeavesNoTemporaryFile()
    {
        var directory = Directory.CreateTempSubdirectory("png-test").FullName;
        try
        {
            var path = Path.Combine(directory, "picture.png");
            var image = SmoothNoise(9, 7, 3);
            Png.Save(SmoothNoise(2, 2, 1), path);
            Png.Save(image, path);
            Assert.Equal(image, Png.Load(path));
            Assert.Equal(["picture.png"], Directory.GetFiles(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void SaveAndLoad_RejectBadPaths()
    {
        var image = SmoothNoise(1, 1, 1);
        Assert.Throws<ArgumentException>(() => Png.Save(image, ""));
        Assert.Throws<DirectoryNotFoundException>(() => Png.Save(image, "/nonexistent-dir-for-test/x.png"));
        Assert.Throws<FileNotFoundException>(() => Png.Load(Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.png")));
    }

    /// <summary>An image with smooth gradients plus noise, so every filter type wins on some rows.</summary>
    internal static Image SmoothNoise(int width, int height, int channels)
    {
        var random = new Random((width * 31) + height + channels);
        var pixels = new byte[width * height * channels];
        for (var i = 0; i < pixels.Length; i++)
        {
            var x = i / channels % width;
            var y = i / channels / width;
            pixels[i] = (byte)((x * 7) + (y * 3) + random.Next(i % 3 == 0 ? 40 : 3));
        }

        return new Image(width, height, channels, pixels);
    }

    [Fact]
    public void Load_RefusesAFifoBeforeOpeningIt()
    {
        // Opening a FIFO waits for a writer forever: it must be refused by its kind, before any open.
        var folder = Directory.CreateTempSubdirectory("png-fifo").FullName;
        try
        {
            var fifo = SpecialFiles.Fifo(Path.Combine(folder, "fifo.png"));
            Assert.Equal($"'{fifo}' is a FIFO (named pipe), not a PNG file.", Assert.Throws<IOException>(() => Png.Load(fifo)).Message);
            Assert.Equal($"'{fifo}' is a FIFO (named pipe), not a PNG file.", Assert.Throws<IOException>(() => Png.ReadSize(fifo)).Message);
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
            var bytes = Png.Encode(SmoothNoise(64, 64, 3));
            File.WriteAllBytes(path, bytes);
            Assert.Equal(64, Png.Load(path, maxFileBytes: bytes.Length).Width);
            var tooLarge = Assert.Throws<InvalidDataException>(() => Png.Load(path, maxFileBytes: bytes.Length - 1));
            Assert.Equal($"'{path}' holds more than {bytes.Length - 9} bytes, the most a PNG file may have here.", tooLarge.Message);
            var folder = Assert.Throws<IOException>(() => Png.Load(directory));
            Assert.Equal($"'{directory}' is a folder, not a PNG file.", folder.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void LoadAndReadSize_NameTheFileOfAnUnsupportedVariant()
    {
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.png");
        try
        {
            foreach (var (index, value, expected) in new[] { (8, (byte)16, "bit depth 16"), (8, (byte)1, "bit depth 1"), (12, (byte)1, "interlaced") })
            {
                File.WriteAllBytes(path, WithHeaderByte(index, value));
                var load = Assert.Throws<NotSupportedException>(() => Png.Load(path));
                var size = Assert.Throws<NotSupportedException>(() => Png.ReadSize(path));
                Assert.StartsWith($"{path}: ", load.Message, StringComparison.Ordinal);
                Assert.Contains(expected, load.Message, StringComparison.Ordinal);
                Assert.Equal(load.Message, size.Message);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadSizeReadsTheHeaderAloneAndDecodeRefusesHugeImagesBeforeAllocating()
    {
        // A 5000x5000 header over 2x2 pixels of data: ReadSize answers from the first 33 bytes.
        var png = Png.Encode(SmoothNoise(2, 2, 3));
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 5000);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 5000);
        FixChunkCrc(png, 8);
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.png");
        try
        {
            File.WriteAllBytes(path, png);
            Assert.Equal((5000, 5000), Png.ReadSize(path));
        }
        finally
        {
            File.Delete(path);
        }
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 100_000);
        FixChunkCrc(png, 8);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => Png.Decode(png));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
        Assert.Equal($"PNG of 100000x5000 pixels is larger than the {Png.MaxPixels} pixels this decoder reads.", e.Message);
    }

    private static byte[] WithHeaderByte(int index, byte value)
    {
        var png = Png.Encode(SmoothNoise(2, 2, 3));
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

    // Bitwise CRC-32 (ISO-HDLC) straight from its definition, independent of the decoder's table.
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
