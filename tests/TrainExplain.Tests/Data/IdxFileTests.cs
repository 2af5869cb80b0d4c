using System.Buffers.Binary;
using System.IO.Compression;
using TrainExplain.Data;
using TrainExplain.Testing;

namespace TrainExplain.Tests.Data;

/// <summary>Tests of <see cref="IdxFile"/> and <see cref="IdxDatasetFiles"/> on small files written here.</summary>
public sealed class IdxFileTests : IDisposable
{
    private const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    private readonly string directory = Directory.CreateTempSubdirectory("idx-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_ReturnsDimensionsAndDataOfPlainAndGzipFiles(bool gzip)
    {
        var data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 7)).ToArray();
        var path = Write("array", Idx(0x08, [2, 3, 4], data), gzip);

        var array = IdxFile.Read(path);

        Assert.Equal(IdxElementType.UnsignedByte, array.ElementType);
        Assert.Equal([2, 3, 4], array.Dimensions);
        Assert.Equal(data, array.Data);
    }

    [Fact]
    public void Read_DetectsGzipByContentNotByName()
    {
        var data = new byte[] { 1, 2, 3 };
        var gzipWithoutSuffix = Write("labels", Idx(0x08, [3], data), gzip: true);
        var plainWithSuffix = Path.Combine(directory, "plain.gz");
        File.WriteAllBytes(plainWithSuffix, Idx(0x08, [3], data));

        Assert.Equal(data, IdxFile.Read(gzipWithoutSuffix).Data);
        Assert.Equal(data, IdxFile.Read(plainWithSuffix).Data);
    }

    [Fact]
    public void Read_KeepsSignedBytesAsTheirBitPattern()
    {
        var path = Write("signed", Idx(0x09, [2], [0xFF, 0x80]));

        var array = IdxFile.Read(path);

        Assert.Equal(IdxElementType.SignedByte, array.ElementType);
        Assert.Equal([0xFF, 0x80], array.Data);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_ReturnsPixelsAndGeometry(bool gzip)
    {
        var pixels = Enumerable.Range(0, 5 * 2 * 3).Select(i => (byte)(255 - i)).ToArray();
        var path = Write("images", Idx(0x08, [5, 2, 3], pixels), gzip);

        var (read, count, rows, columns) = IdxFile.ReadImages(path);

        Assert.Equal(pixels, read);
        Assert.Equal((5, 2, 3), (count, rows, columns));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadLabels_ReturnsOneLabelPerImage(bool gzip)
    {
        var path = Write("labels", Idx(0x08, [4], [9, 0, 3, 7]), gzip);

        Assert.Equal([9, 0, 3, 7], IdxFile.ReadLabels(path));
    }

    [Fact]
    public void ReadImages_RefusesOtherRanksAndSignedBytes()
    {
        var labels = Write("labels", Idx(0x08, [4], [1, 2, 3, 4]));
        var signed = Write("signed", Idx(0x09, [1, 2, 2], [1, 2, 3, 4]));

        var rank = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(labels));
        Assert.Contains("dimensions [4]", rank.Message, StringComparison.Ordinal);
        Assert.Contains("3 dimension(s)", rank.Message, StringComparison.Ordinal);
        var type = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(signed));
        Assert.Contains("SignedByte", type.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadLabels_RefusesImages()
    {
        var images = Write("images", Idx(0x08, [1, 2, 2], [1, 2, 3, 4]));

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadLabels(images));

        Assert.Contains("dimensions [1, 2, 2]", e.Message, StringComparison.Ordinal);
        Assert.Contains("1 dimension(s)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x0B, "Int16")]
    [InlineData(0x0C, "Int32")]
    [InlineData(0x0D, "Single")]
    [InlineData(0x0E, "Double")]
    public void Read_RefusesMultiByteElementsClearly(byte code, string name)
    {
        var path = Write("wide", Idx(code, [1], new byte[8]));

        var e = Assert.Throws<NotSupportedException>(() => IdxFile.Read(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        Assert.Contains($"0x{code:X2}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RefusesAnUnknownTypeCode()
    {
        var path = Write("unknown", Idx(0x07, [1], [0]));

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Contains("unknown type code 0x07", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x01, 0x00, 0x08, 0x01 })]
    [InlineData(new byte[] { 0x00, 0x2A, 0x08, 0x01 })]
    public void Read_RefusesAMagicNumberWithoutLeadingZeros(byte[] magic)
    {
        var path = Write("magic", [.. magic, 0, 0, 0, 1, 5]);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Contains("not an IDX file", e.Message, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexString(magic), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RefusesZeroDimensions()
    {
        var path = Write("rank0", [0, 0, 0x08, 0]);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Contains("0 dimensions", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Read_RefusesANonPositiveDimension(int dimension)
    {
        var path = Write("dims", Idx(0x08, [2, dimension], []));

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Contains($"dimension 1 is {dimension}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_RefusesDimensionsBeyondOneArray(bool gzip)
    {
        // 65536 * 65536 overflows int; the file itself is tiny.
        var path = Write("huge", Idx(0x08, [65536, 65536, 2], [1, 2, 3]), gzip);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Contains("[65536, 65536, 2]", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{IdxFile.MaxElements}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 5, "is truncated", 21L)]
    [InlineData(true, 5, "is truncated", 21L)]
    [InlineData(false, 9, "has trailing bytes", 25L)]
    [InlineData(true, 9, "has trailing bytes", 25L)]
    public void Read_RefusesADataLengthThatDoesNotMatchTheHeader(bool gzip, int dataBytes, string problem, long actual)
    {
        // Header: 4 magic bytes + 3 dimensions of 4 bytes = 16 bytes, then 2 * 2 * 2 = 8 data bytes: 24 in all.
        var path = Write("mismatch", Idx(0x08, [2, 2, 2], new byte[dataBytes]), gzip);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Contains("implies 24 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains($"has {actual}.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RefusesAGzipFileThatClaimsMoreDataThanItHolds()
    {
        // 1 GB claimed (within MaxElements), 3 bytes held: the reader must notice the shortfall, not allocate the claim first.
        var path = Write("bomb", Idx(0x08, [1000, 1000, 1000], [1, 2, 3]), gzip: true);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Contains("implies 1000000016 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("has 19.", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0x08, 2, 0, 0, 0, 5, 0, 0 })]
    public void Read_RefusesATruncatedHeader(byte[] content)
    {
        var path = Write("short", content);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RefusesACorruptGzipStreamNamingTheFile()
    {
        var compressed = Gzip(Idx(0x08, [64], Enumerable.Range(0, 64).Select(i => (byte)i).ToArray()));
        compressed[12] ^= 0xFF;
        compressed[13] ^= 0xFF;
        var path = Write("corrupt", compressed);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Contains($"IDX file '{path}' has a corrupt gzip stream", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ThrowsFileNotFoundForAMissingFile()
    {
        Assert.Throws<FileNotFoundException>(() => IdxFile.Read(Path.Combine(directory, "absent")));
    }

    [Fact]
    public void Locate_FindsPlainAndGzipFilesAndPrefersPlain()
    {
        Write(IdxDatasetFiles.TrainImagesName + ".gz", [0]);
        Write(IdxDatasetFiles.TrainLabelsName, [0]);
        Write(IdxDatasetFiles.TestImagesName, [0]);
        Write(IdxDatasetFiles.TestImagesName + ".gz", [0]);
        Write(IdxDatasetFiles.TestLabelsName + ".gz", [0]);

        var files = IdxDatasetFiles.Locate(directory);

        Assert.Equal(Path.Combine(directory, "train-images-idx3-ubyte.gz"), files.TrainImages);
        Assert.Equal(Path.Combine(directory, "train-labels-idx1-ubyte"), files.TrainLabels);
        Assert.Equal(Path.Combine(directory, "t10k-images-idx3-ubyte"), files.TestImages);
        Assert.Equal(Path.Combine(directory, "t10k-labels-idx1-ubyte.gz"), files.TestLabels);
    }

    [Fact]
    public void Locate_ListsEveryMissingFile()
    {
        Write(IdxDatasetFiles.TrainImagesName, [0]);
        Write(IdxDatasetFiles.TestLabelsName + ".gz", [0]);

        var e = Assert.Throws<FileNotFoundException>(() => IdxDatasetFiles.Locate(directory));

        Assert.Contains("lacks 2 of the 4 files", e.Message, StringComparison.Ordinal);
        Assert.Contains("train-labels-idx1-ubyte[.gz]", e.Message, StringComparison.Ordinal);
        Assert.Contains("t10k-images-idx3-ubyte[.gz]", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("train-images", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_RefusesAMissingDirectory()
    {
        var missing = Path.Combine(directory, "nowhere");

        var e = Assert.Throws<DirectoryNotFoundException>(() => IdxDatasetFiles.Locate(missing));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FashionMnistTestSet_ReadsAsTenThousandImagesWithBalancedLabels()
    {
        Assert.SkipUnless(Directory.Exists(FashionMnistDirectory), $"{FashionMnistDirectory} absent (Debian package dataset-fashion-mnist)");
        var files = IdxDatasetFiles.Locate(FashionMnistDirectory);

        var images = IdxFile.ReadImages(files.TestImages);
        var labels = IdxFile.ReadLabels(files.TestLabels);

        Assert.Equal((10000, 28, 28), (images.Count, images.Rows, images.Columns));
        Assert.Equal(10000 * 28 * 28, images.Pixels.Length);
        Assert.Equal([9, 2, 1, 1, 6, 1, 4, 6, 5, 7], labels[..10]);
        // Fashion-MNIST's test set has exactly 1,000 images of each of the 10 classes.
        Assert.All(labels.CountBy(label => label), pair => Assert.Equal(1000, pair.Value));
        Assert.Equal(10, labels.Distinct().Count());
        Assert.Equal(33456, images.Pixels.Take(28 * 28).Sum(pixel => pixel));
    }

    /// <summary>Builds IDX bytes: magic 00 00 type ndims, big-endian dimensions, data.</summary>
    [Fact]
    public void Read_OfAFolderSaysItIsAFolder()
    {
        var e = Assert.Throws<IOException>(() => IdxFile.Read(directory));
        Assert.Equal($"'{directory}' is a folder, not an IDX file.", e.Message);
    }

    [Fact]
    public void Read_OfAFifoIsRefusedBeforeOpeningIt()
    {
        // Opening a FIFO waits for a writer forever: it must be refused by its kind, before any open.
        var fifo = SpecialFiles.Fifo(Path.Combine(directory, "fifo"));
        var e = Assert.Throws<IOException>(() => IdxFile.Read(fifo));
        Assert.Equal($"'{fifo}' is a FIFO (named pipe), not an IDX file.", e.Message);
        var files = Assert.Throws<DirectoryNotFoundException>(() => IdxDatasetFiles.Locate(fifo));
        Assert.Equal($"'{fifo}' is a FIFO (named pipe), not a folder of IDX files.", files.Message);
    }

    [Fact]
    public void FromIdx_NamesTheLabelFileExampleAndLabelBeyondTheClasses()
    {
        var images = Write("images", Idx(0x08, [3, 2, 2], new byte[12]));
        var labels = Write("labels", Idx(0x08, [3], [1, 200, 9]));
        var e = Assert.Throws<InvalidDataException>(() => ImageDataset.FromIdx(images, labels, classes: ImageDataset.MnistClasses));
        Assert.Equal($"'{labels}' gives example 1 the label 200; labels must be 0 to 9.", e.Message);
        // Without a class count, and within a limit that stops before the bad label, the labels are read as they are.
        using (var all = ImageDataset.FromIdx(images, labels))
        {
            Assert.Equal([1L, 200, 9], all.Labels.data<long>().ToArray());
        }
        using var first = ImageDataset.FromIdx(images, labels, limit: 1, classes: ImageDataset.MnistClasses);
        Assert.Equal(1, first.Count);
    }

    private static byte[] Idx(byte typeCode, int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + (4 * dimensions.Length) + data.Length];
        bytes[2] = typeCode;
        bytes[3] = (byte)dimensions.Length;
        for (var i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        data.CopyTo(bytes, 4 + (4 * dimensions.Length));
        return bytes;
    }

    private static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }

    private string Write(string name, byte[] content, bool gzip = false)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, gzip ? Gzip(content) : content);
        return path;
    }
}
