namespace TrainExplain;

/// <summary>
/// Opens input files so that a folder, a device, a FIFO, a socket, a missing file or a stream with no end gets a message
/// naming the file.
/// </summary>
internal static class InputFiles
{
    /// <summary>Opens <paramref name="path"/> for reading; <paramref name="what"/> (say "a PNG file") names what was expected in errors.</summary>
    /// <exception cref="IOException">The path is not a regular file (see <see cref="RequireRegular"/>), or the file cannot be opened.</exception>
    internal static FileStream OpenRead(string path, string what)
    {
        RequireRegular(path, what);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
    }

    /// <summary>
    /// Refuses a path that exists but is no regular file, before anything opens it: opening a folder fails with "Access to
    /// the path is denied", which sends a user after permissions, and opening a FIFO waits for a writer forever.
    /// </summary>
    /// <exception cref="IOException">The path names a folder, a device, a FIFO or a socket.</exception>
    internal static void RequireRegular(string path, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (FileKinds.Of(path) is var kind and not (FileKind.Regular or FileKind.Missing))
        {
            throw new IOException($"'{path}' is {kind.Describe()}, not {what}.");
        }
    }

    /// <summary>
    /// Reads all of <paramref name="stream"/> from its position, refusing more than <paramref name="maxBytes"/> as soon as
    /// one byte more arrives: character devices such as /dev/zero report length 0 and never end.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream holds more than <paramref name="maxBytes"/> bytes.</exception>
    internal static byte[] ReadAtMost(Stream stream, string path, string what, long maxBytes)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                throw new InvalidDataException($"'{path}' holds more than {maxBytes} bytes, the most {what} may have here.");
            }
        }
        return buffer.ToArray();
    }
}
