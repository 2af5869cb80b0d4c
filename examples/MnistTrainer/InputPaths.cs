namespace MnistTrainer;

/// <summary>Checks input paths by flag before any work, so a missing file or a folder is named with the flag that gave it.</summary>
internal static class InputPaths
{
    /// <exception cref="ArgumentException">The path is empty, a folder, or does not exist.</exception>
    internal static void RequireFile(string flag, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"{flag} needs a file path, got an empty one.");
        }
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"{flag} {path} is a folder; expected a file.");
        }
        if (!File.Exists(path))
        {
            throw new ArgumentException($"{flag} {path} does not exist.");
        }
    }
}
