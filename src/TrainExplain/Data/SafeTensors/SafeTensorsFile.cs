using System.Buffers.Binary;

namespace TrainExplain.Data.SafeTensors;

/// <summary>
/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// header length N, N bytes of UTF-8 JSON describing each tensor's dtype, shape and byte range, then the data buffer.
/// Files are read into managed memory; reading validates the whole header against the file's length before it
/// allocates any tensor, so a truncated or hostile file gets an <see cref="InvalidDataException"/>.
/// Writing orders tensors as the official writer does (element size descending, then name) and pads the header
/// with spaces to a multiple of 8 bytes.
/// </summary>
internal static class SafeTensorsFile
{
    private const int LengthPrefixSize = sizeof(ulong);

    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/> through a temporary file in the same directory that
    /// is then renamed over the path, so the path never holds a half-written file.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensors">The tensors; names must be unique.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> strings; omitted from the header when null or empty.</param>
    /// <exception cref="ArgumentException">The path is empty, two tensors share a name, a tensor or metadata value is null.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, IEnumerable<SafeTensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var prepared = SafeTensorsHeaderWriter.Prepare(tensors, metadata);
        AtomicFile.Write(path, stream => Write(stream, prepared), flushToDisk: true);
    }

    /// <summary>Reads the safetensors file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The tensors, each with its own byte array, and the metadata.</returns>
    /// <exception cref="InvalidDataException">The file is truncated or not a valid safetensors file; the message says where.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SafeTensorsContent Load(string path)
    {
        InputFiles.RequireRegular(path, "a safetensors file");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Read(stream);
    }

    /// <summary>Reads a safetensors file from <paramref name="stream"/>, from its position to its end.</summary>
    /// <param name="stream">A readable, seekable stream (its length bounds what the header may claim); it is left open.</param>
    /// <returns>The tensors, each with its own byte array, and the metadata.</returns>
    /// <exception cref="ArgumentException">The stream cannot seek.</exception>
    /// <exception cref="InvalidDataException">The file is truncated or not a valid safetensors file; the message says where.</exception>
    /// <exception cref="NotSupportedException">One tensor has more bytes than a .NET array holds.</exception>
    internal static SafeTensorsContent Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The stream must be seekable: its length is checked before the header's claims are trusted.", nameof(stream));
        }

        long fileLength = stream.Length - stream.Position;
        Span<byte> prefix = stackalloc byte[LengthPrefixSize];
        int prefixRead = stream.ReadAtLeast(prefix, LengthPrefixSize, throwOnEndOfStream: false);
        long headerLength = CheckHeaderLength(prefix[..prefixRead], fileLength);
        byte[] headerBytes = ReadBytes(stream, headerLength, "the header");
        var header = SafeTensorsHeaderParser.Parse(headerBytes, fileLength - LengthPrefixSize - headerLength);

        // The header was checked to tile the data buffer in offset order, so the tensors follow one another in the stream.
        var entries = header.Tensors
            .Select(layout => new SafeTensorEntry(layout.Name, layout.DType, layout.Shape, ReadBytes(stream, layout.Length, $"tensor '{layout.Name}'")))
            .ToList();
        return new SafeTensorsContent(entries, header.Metadata);
    }

    /// <summary>Reads and validates only the header of the file at <paramref name="path"/>: each tensor's name, dtype and shape, no data.</summary>
    /// <exception cref="InvalidDataException">The file is truncated or not a valid safetensors file; the message says where.</exception>
    internal static SafeTensorsHeader ReadHeader(string path)
    {
        InputFiles.RequireRegular(path, "a safetensors file");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[LengthPrefixSize];
        int prefixRead = stream.ReadAtLeast(prefix, LengthPrefixSize, throwOnEndOfStream: false);
        long headerLength = CheckHeaderLength(prefix[..prefixRead], fileLength);
        return SafeTensorsHeaderParser.Parse(ReadBytes(stream, headerLength, "the header"), fileLength - LengthPrefixSize - headerLength);
    }

    /// <summary>Writes the prepared file to <paramref name="stream"/> at its position: length prefix, header, then the data buffer.</summary>
    internal static void Write(Stream stream, PreparedSafeTensors prepared)
    {
        Span<byte> prefix = stackalloc byte[LengthPrefixSize];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)prepared.Header.Length);
        stream.Write(prefix);
        stream.Write(prepared.Header);
        foreach (var tensor in prepared.Tensors)
        {
            stream.Write(tensor.Data.Span);
        }
    }

    /// <summary>Reads the header length from <paramref name="start"/>, the file's first bytes, and checks it against the limit and the file length.</summary>
    private static long CheckHeaderLength(ReadOnlySpan<byte> start, long fileLength)
    {
        if (start.Length < LengthPrefixSize)
        {
            throw SafeTensorsHeaderParser.Invalid($"the file has {start.Length} bytes, fewer than the 8-byte header length that starts it");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(start);
        if (headerLength > SafeTensorsHeaderParser.MaxHeaderLength)
        {
            throw SafeTensorsHeaderParser.Invalid($"the header length is {headerLength} bytes; at most {SafeTensorsHeaderParser.MaxHeaderLength} are allowed");
        }

        if ((long)headerLength > fileLength - LengthPrefixSize)
        {
            throw SafeTensorsHeaderParser.Invalid(
                $"the header length is {headerLength} bytes but only {fileLength - LengthPrefixSize} bytes follow the 8-byte length; the file is truncated");
        }

        return (long)headerLength;
    }

    private static byte[] ReadBytes(Stream stream, long length, string what)
    {
        if (length > Array.MaxLength)
        {
            throw new NotSupportedException($"{what} has {length} bytes, more than one .NET array holds.");
        }

        byte[] bytes = new byte[length];
        try
        {
            stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException exception)
        {
            throw new InvalidDataException($"Invalid safetensors file: the file ended inside {what}; it became shorter while being read.", exception);
        }

        return bytes;
    }
}
