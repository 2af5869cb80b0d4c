namespace TrainExplain;

/// <summary>
/// Writes files so that a crash or a failed write never leaves a half-written file under the final name: the bytes go to
/// a hidden temporary file in the same folder (so the rename stays on one file system), which is then renamed over the
/// target. Every saver of the library writes through it; applications can use it for their own files.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// A fresh hidden name beside <paramref name="path"/>: <c>.&lt;file name&gt;.&lt;32 hex digits&gt;.tmp</c> in the
    /// same folder, for a file written first and renamed into place later.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty, or a root, which names no file.</exception>
    public static string TemporaryPathBeside(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"The path '{path}' names no file.", nameof(path));
        return Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>
    /// Creates a temporary file beside <paramref name="path"/>, lets <paramref name="write"/> fill it, and renames it over
    /// <paramref name="path"/>; the temporary file is removed whether or not that succeeds.
    /// </summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="write">Writes the content to the stream (the stream is closed afterwards).</param>
    /// <param name="flushToDisk">Also force the bytes to the disk before the rename, so the file survives a power loss.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names no file.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="write"/> is null.</exception>
    /// <exception cref="IOException">The file cannot be written, e.g. its folder does not exist.</exception>
    public static void Write(string path, Action<Stream> write, bool flushToDisk = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temporary = TemporaryPathBeside(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk);
            }
            File.Move(temporary, Path.GetFullPath(path), overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
