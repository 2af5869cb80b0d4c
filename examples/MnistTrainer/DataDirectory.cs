using TrainExplain.Data;

namespace MnistTrainer;

/// <summary>Where the MNIST-format files are: --data, else $MNIST_DIR, else ./data/mnist, else Debian's Fashion-MNIST.</summary>
internal static class DataDirectory
{
    internal const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

    /// <exception cref="ArgumentException">--data names no folder holding the four files; the message names the flag.</exception>
    internal static string Resolve(string? option)
    {
        if (!string.IsNullOrEmpty(option))
        {
            // Checked before any output is created or any work done, so a wrong --data is said at once and leaves no run folder.
            try
            {
                ImageDataset.CheckMnistFolder(option);
            }
            catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
            {
                // These messages name the folder already.
                throw new ArgumentException($"--data: {e.Message}", e);
            }
            catch (IOException e)
            {
                throw new ArgumentException($"--data {option}: {e.Message}", e);
            }
            return option;
        }
        var fromEnvironment = Environment.GetEnvironmentVariable("MNIST_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }
        var local = Path.Combine("data", "mnist");
        if (Directory.Exists(local))
        {
            return local;
        }
        if (Directory.Exists(DebianFashionMnist))
        {
            return DebianFashionMnist;
        }
        throw new DirectoryNotFoundException(
            $"No MNIST-format data: pass --data DIR, set MNIST_DIR, create ./data/mnist, or run scripts/setup.sh (installs {DebianFashionMnist}).");
    }

    /// <summary>Loads a split of the MNIST-format folder; a file that cannot be read is named with the flag.</summary>
    /// <exception cref="InvalidDataException">A file is not IDX, or not a regular file; the message names --data and the file.</exception>
    internal static ImageDataset Load(string directory, bool train, int? limit)
    {
        try
        {
            return ImageDataset.LoadMnist(directory, train, limit);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException)
        {
            throw new InvalidDataException($"--data {directory}: {e.Message}", e);
        }
    }
}
