using TrainExplain;

namespace MnistTrainer;

/// <summary>Checks input paths by flag before any work, so a missing file or a folder is named with the flag that gave it.</summary>
internal static class InputPaths
{
    /// <exception cref="ArgumentException">The path is empty, a folder, a device, a FIFO or a socket, does not exist, or may not be read.</exception>
    internal static void RequireFile(string flag, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"{flag} needs a file path, got an empty one.");
        }
        if (FileKinds.Of(path) is var kind and not (FileKind.Regular or FileKind.Missing))
        {
            // A FIFO would block the first read until a writer comes; a device such as /dev/zero never ends.
            throw new ArgumentException($"{flag} {path} is {kind.Describe()}; expected a regular file.");
        }
        if (!File.Exists(path))
        {
            throw new ArgumentException($"{flag} {path} does not exist.");
        }
        try
        {
            // Opening a regular file reads nothing: it only asks the system whether this user may read it.
            using var _ = File.OpenRead(path);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ArgumentException($"{flag} {path} cannot be read: permission denied (this user may not read it).", e);
        }
    }
}
