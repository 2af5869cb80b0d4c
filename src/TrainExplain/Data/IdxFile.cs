using System.Buffers.Binary;
using System.IO.Compression;

namespace TrainExplain.Data;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a magic number
/// <c>0x00 0x00 type ndims</c>, <c>ndims</c> big-endian int32 dimensions, then the elements in row-major order.
/// Files may be plain or gzip-compressed; gzip is recognized by its magic bytes <c>0x1f 0x8b</c>, not by the name.
/// </summary>
internal static class IdxFile
{
    /// <summary>The most elements (bytes) one file may hold: 1 GiB, twenty times MNIST's training images.</summary>
    public const long MaxElements = 1L << 30;

    private const int MagicLength = 4;
    private const int DimensionLength = sizeof(int);
    private const int InitialGzipBuffer = 1 << 20;

    /// <summary>Reads a whole IDX file of one-byte elements.</summary>
    /// <param name="path">The file, plain or gzip.</param>
    /// <returns>The element type, dimensions and data.</returns>
    /// <exception cref="InvalidDataException">
    /// The file is not IDX, has a zero or negative dimension, is too large for one array, is truncated or has
    /// trailing bytes (the message names the file, the expected and the actual length), or its gzip stream is corrupt.
    /// </exception>
    /// <exception cref="IOException">The path is a folder or cannot be opened.</exception>
    /// <exception cref="NotSupportedException">The file holds multi-byte elements (types 0x0B to 0x0E).</exception>
    public static IdxArray Read(string path)
    {
        using var file = InputFiles.OpenRead(path, "an IDX file");
        var gzip = StartsWithGzipMagic(file);
        file.Position = 0;
        if (!gzip)
        {
            return ReadPlain(path, file);
        }

        using var inflated = new GZipStream(file, CompressionMode.Decompress);
        return ReadCompressed(path, inflated);
    }

    /// <summary>Reads a three-dimensional unsigned-byte IDX file of images (count, rows, columns).</summary>
    /// <param name="path">The file, plain or gzip (e.g. <c>train-images-idx3-ubyte.gz</c>).</param>
    /// <returns>The pixels and the image geometry.</returns>
    /// <exception cref="InvalidDataException">The file is corrupt (see <see cref="Read"/>) or is not 3-D unsigned bytes.</exception>
    public static IdxImages ReadImages(string path)
    {
        var array = ReadShaped(path, dimensions: 3, "images (count, rows, columns)");
        return new IdxImages(array.Data, array.Dimensions[0], array.Dimensions[1], array.Dimensions[2]);
    }

    /// <summary>Reads a one-dimensional unsigned-byte IDX file of labels.</summary>
    /// <param name="path">The file, plain or gzip (e.g. <c>train-labels-idx1-ubyte.gz</c>).</param>
    /// <returns>One label per image.</returns>
    /// <exception cref="InvalidDataException">The file is corrupt (see <see cref="Read"/>) or is not 1-D unsigned bytes.</exception>
    public static byte[] ReadLabels(string path) => ReadShaped(path, dimensions: 1, "labels (count)").Data;

    private static IdxArray ReadShaped(string path, int dimensions, string what)
    {
        var array = Read(path);
        if (array.ElementType != IdxElementType.UnsignedByte || array.Dimensions.Count != dimensions)
        {
            throw new InvalidDataException(
                $"IDX file '{path}' holds {array.ElementType} elements with dimensions [{string.Join(", ", array.Dimensions)}]; " +
                $"{what} need {IdxElementType.UnsignedByte} elements with {dimensions} dimension(s).");
        }

        return array;
    }

    private static bool StartsWithGzipMagic(Stream file)
    {
        Span<byte> magic = stackalloc byte[2];
        return file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) == magic.Length
            && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static IdxArray ReadPlain(string path, FileStream file)
    {
        var header = ReadHeader(path, file);
        var expected = header.Length + header.DataLength;
        if (file.Length != expected)
        {
            throw LengthMismatch(path, "file", expected, file.Length);
        }

        var data = new byte[header.DataLength];
        var read = Fill(path, file, data);
        if (read != data.Length)
        {
            throw LengthMismatch(path, "file", expected, header.Length + read);
        }

        return new IdxArray(header.ElementType, header.Dimensions, data);
    }

    /// <summary>Reads the data of a gzip file into a buffer that grows as data arrives, so a small corrupt file
    /// that claims huge dimensions cannot make it allocate the claimed size up front.</summary>
    private static IdxArray ReadCompressed(string path, Stream inflated)
    {
        var header = ReadHeader(path, inflated);
        var expected = header.Length + header.DataLength;
        var data = new byte[Math.Min(header.DataLength, InitialGzipBuffer)];
        var filled = 0;
        while (true)
        {
            filled += Fill(path, inflated, data.AsSpan(filled));
            if (filled < data.Length || data.Length == header.DataLength)
            {
                break;
            }

            Array.Resize(ref data, (int)Math.Min(header.DataLength, 2L * data.Length));
        }

        if (filled < header.DataLength)
        {
            throw LengthMismatch(path, "decompressed data", expected, header.Length + filled);
        }

        var trailing = CountRemaining(path, inflated);
        if (trailing > 0)
        {
            throw LengthMismatch(path, "decompressed data", expected, expected + trailing);
        }

        return new IdxArray(header.ElementType, header.Dimensions, data);
    }

    private static IdxHeader ReadHeader(string path, Stream stream)
    {
        Span<byte> magic = stackalloc byte[MagicLength];
        var read = Fill(path, stream, magic);
        if (read < MagicLength)
        {
            throw new InvalidDataException(
                $"IDX file '{path}' is truncated: {read} byte(s), fewer than the {MagicLength}-byte magic number.");
        }

        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new InvalidDataException(
                $"IDX file '{path}' is not an IDX file: its magic number {Convert.ToHexString(magic)} " +
                "does not start with two zero bytes.");
        }

        var elementType = CheckElementType(path, magic[2]);
        var dimensions = ReadDimensions(path, stream, magic[3]);
        return new IdxHeader(elementType, dimensions, MagicLength + (DimensionLength * dimensions.Length), ElementCount(path, dimensions));
    }

    private static IdxElementType CheckElementType(string path, byte code)
    {
        var type = (IdxElementType)code;
        switch (type)
        {
            case IdxElementType.UnsignedByte or IdxElementType.SignedByte:
                return type;
            case IdxElementType.Int16 or IdxElementType.Int32 or IdxElementType.Single or IdxElementType.Double:
                throw new NotSupportedException(
                    $"IDX file '{path}' holds {type} elements (type code 0x{code:X2}); only one-byte elements " +
                    "(0x08 unsigned, 0x09 signed) are read.");
            default:
                throw new InvalidDataException(
                    $"IDX file '{path}' has the unknown type code 0x{code:X2}; " +
                    "expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E.");
        }
    }

    private static int[] ReadDimensions(string path, Stream stream, int count)
    {
        if (count == 0)
        {
            throw new InvalidDataException($"IDX file '{path}' declares 0 dimensions; expected at least 1.");
        }

        var bytes = new byte[count * DimensionLength];
        var read = Fill(path, stream, bytes);
        if (read < bytes.Length)
        {
            throw new InvalidDataException(
                $"IDX file '{path}' is truncated in its header: {count} dimension(s) need {bytes.Length} bytes " +
                $"after the magic number, found {read}.");
        }

        var dimensions = new int[count];
        for (var i = 0; i < count; i++)
        {
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(i * DimensionLength));
            if (dimensions[i] <= 0)
            {
                throw new InvalidDataException(
                    $"IDX file '{path}': dimension {i} is {dimensions[i]}; dimensions must be positive.");
            }
        }

        return dimensions;
    }

    private static long ElementCount(string path, int[] dimensions)
    {
        long count = 1;
        foreach (var dimension in dimensions)
        {
            // count <= MaxElements = 2^30 and dimension < 2^31, so the product fits in a long.
            count *= dimension;
            if (count > MaxElements)
            {
                throw new InvalidDataException(
                    $"IDX file '{path}': dimensions [{string.Join(", ", dimensions)}] hold more than " +
                    $"{MaxElements} elements, the most one file may hold here.");
            }
        }

        return count;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    private static int Fill(string path, Stream stream, Span<byte> buffer)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            // GZipStream's own message does not say which file was being read.
            throw new InvalidDataException($"IDX file '{path}' has a corrupt gzip stream: {e.Message}", e);
        }
    }

    private static long CountRemaining(string path, Stream stream)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = Fill(path, stream, buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static InvalidDataException LengthMismatch(string path, string what, long expected, long actual) =>
        new($"IDX file '{path}' {(actual < expected ? "is truncated" : "has trailing bytes")}: its header " +
            $"implies {expected} bytes, but the {what} has {actual}.");
}
