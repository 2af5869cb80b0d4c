namespace TrainExplain;

/// <summary>
/// Writes files so that a crash or a failed write never leaves a half-written file under the final name: the bytes go to
/// a hidden temporary file in the same folder (so the rename stays on one file system), which is then renamed over the
/// target. Every saver of the library writes through it; applications can use it for their own files.
/// It writes regular files only: a path that names a folder, a device (<c>/dev/null</c>), a FIFO or a socket is refused,
/// since renaming over it would replace the device node or pipe with a plain file. A symbolic link is followed: the file it
/// finally points to is replaced and the link kept, as <c>cp</c> and a shell's <c>&gt;</c> do.
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
    /// The file that writing <paramref name="path"/> creates or replaces: the path itself or, for a symbolic link, the file
    /// the link finally points to (which may not exist yet), as a full path; checked to be a regular file or nothing.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The path, or the file its link points to, is a folder, a device, a FIFO or a socket.</exception>
    public static string ResolveTarget(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var target = LinkTargetOf(full) ?? full;
        var kind = FileKinds.Of(target);
        if (kind is not (FileKind.Regular or FileKind.Missing))
        {
            var where = target == full ? "" : $" (a link to {target})";
            throw new IOException($"'{path}'{where} is {kind.Describe()}, not a regular file; give the path of a file to write.");
        }
        return target;
    }

    /// <summary>
    /// Creates a temporary file beside <paramref name="path"/> (beside the file a symbolic link points to), lets <paramref name="write"/> fill it, and renames it over
    /// <paramref name="path"/>; the temporary file is removed whether or not that succeeds.
    /// </summary>
    /// <param name="path">The file to create or replace (see <see cref="ResolveTarget"/>); its folder must exist.</param>
    /// <param name="write">Writes the content to the stream (the stream is closed afterwards).</param>
    /// <param name="flushToDisk">Also force the bytes to the disk before the rename, so the file survives a power loss.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names no file.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="write"/> is null.</exception>
    /// <exception cref="IOException">
    /// The file cannot be written, e.g. its folder does not exist, or the path names a folder, a device, a FIFO or a socket.
    /// </exception>
    public static void Write(string path, Action<Stream> write, bool flushToDisk = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        var target = ResolveTarget(path);
        var temporary = TemporaryPathBeside(target);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk);
            }
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The file a symbolic link finally points to; null when the path is no link or does not exist.</summary>
    private static string? LinkTargetOf(string fullPath)
    {
        try
        {
            return File.ResolveLinkTarget(fullPath, returnFinalTarget: true)?.FullName;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
