using TrainExplain;

namespace MnistTrainer;

/// <summary>An output folder checked before any work, and files published into it together.</summary>
internal static class OutputFolder
{
    /// <summary>Creates <paramref name="path"/> and its missing parents and proves it writable with a probe file.</summary>
    /// <exception cref="ArgumentException">The path is empty or names a file.</exception>
    /// <exception cref="IOException">The folder cannot be created or written; the message names the flag and the folder.</exception>
    internal static void Prepare(string flag, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"{flag} needs a folder path, got an empty one.");
        }
        if (File.Exists(path))
        {
            throw new ArgumentException($"{flag} {path} is a file; give a folder (it is created if missing).");
        }
        try
        {
            Directory.CreateDirectory(path);
            using (new FileStream(AtomicFile.TemporaryPathBeside(Path.Combine(path, "probe")), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{flag} {path} cannot be created or written: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes every file to a temporary name beside it first and renames them into place only once all are written,
    /// so a failed write leaves the old files as they were rather than a new one beside an old one. Only regular files
    /// are written: a name taken by a folder, device, FIFO or socket is refused before anything is written, and a symbolic
    /// link's target is replaced (<see cref="AtomicFile.ResolveTarget"/>).
    /// </summary>
    /// <exception cref="IOException">A check, write or rename failed; the message names the flag and the file.</exception>
    internal static void Publish(string flag, IReadOnlyList<(string Path, Action<string> Write)> files)
    {
        var targets = Targets(flag, files.Select(f => f.Path));
        var temporaries = targets.Select(AtomicFile.TemporaryPathBeside).ToArray();
        var current = "";
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                current = files[i].Path;
                files[i].Write(temporaries[i]);
            }
            for (var i = 0; i < files.Count; i++)
            {
                current = files[i].Path;
                File.Move(temporaries[i], targets[i], overwrite: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{flag}: could not write {current}: {e.Message}", e);
        }
        finally
        {
            foreach (var temporary in temporaries)
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>The files that <paramref name="paths"/> will replace, each checked to be a regular file or nothing yet.</summary>
    /// <exception cref="IOException">A path names a folder, device, FIFO or socket; the message names the flag.</exception>
    internal static string[] Targets(string flag, IEnumerable<string> paths)
    {
        try
        {
            return [.. paths.Select(AtomicFile.ResolveTarget)];
        }
        catch (IOException e)
        {
            throw new IOException($"{flag}: {e.Message}", e);
        }
    }
}
