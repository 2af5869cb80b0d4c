using TrainExplain.Data;

namespace MnistTrainer;

/// <summary>
/// Where the data is: --data, else $MNIST_DIR, else ./data/mnist, else Debian's Fashion-MNIST. <c>train</c>'s --data may
/// also be an image folder (<see cref="IsImageFolder"/>).
/// </summary>
internal static class DataDirectory
{
    internal const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

    /// <summary>The two layouts <c>train --data</c> accepts, in words, for its help and its errors.</summary>
    internal const string TrainLayouts =
        "either the four MNIST-format IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, optionally .gz) or an image folder with train/<class>/* and val/<class>/* (torchvision's ImageFolder layout, as ImageNet's)";

    /// <summary>
    /// --data as given, checked before any output is created or any work done, so a wrong --data is said at once and
    /// leaves no run folder; <paramref name="imageFolders"/> (for <c>train</c>) also accepts an image folder.
    /// </summary>
    /// <exception cref="ArgumentException">--data names a folder of neither layout; the message names the flag and the layouts.</exception>
    internal static string Resolve(string? option, bool imageFolders = false)
    {
        if (!string.IsNullOrEmpty(option))
        {
            if (imageFolders && IsImageFolder(option))
            {
                return option;
            }
            try
            {
                ImageDataset.CheckMnistFolder(option);
            }
            catch (FileNotFoundException e) when (imageFolders)
            {
                // A folder of neither layout: the IDX files it lacks are one way, the image folder's splits the other.
                throw new ArgumentException($"--data {option} holds neither layout: {e.Message.TrimEnd('.')}, and it has no train and val folders; expected {TrainLayouts}.", e);
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

    /// <summary>Whether <paramref name="directory"/> is an image folder: it has both a train and a val subfolder.</summary>
    internal static bool IsImageFolder(string directory) => ImageFolderSplits(directory) is var (train, validation) && Directory.Exists(train) && Directory.Exists(validation);

    /// <summary>The train and val folders of an image folder.</summary>
    internal static (string Train, string Validation) ImageFolderSplits(string directory) => (Path.Combine(directory, "train"), Path.Combine(directory, "val"));
}
