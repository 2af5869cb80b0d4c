namespace TrainExplain.Data;

/// <summary>
/// The four files of an MNIST-format dataset (MNIST, Fashion-MNIST) in one directory, by their standard names,
/// each plain or with a <c>.gz</c> suffix.
/// </summary>
/// <param name="TrainImages">Path of <c>train-images-idx3-ubyte</c>.</param>
/// <param name="TrainLabels">Path of <c>train-labels-idx1-ubyte</c>.</param>
/// <param name="TestImages">Path of <c>t10k-images-idx3-ubyte</c>.</param>
/// <param name="TestLabels">Path of <c>t10k-labels-idx1-ubyte</c>.</param>
internal sealed record IdxDatasetFiles(string TrainImages, string TrainLabels, string TestImages, string TestLabels)
{
    /// <summary>Standard name of the training images file.</summary>
    public const string TrainImagesName = "train-images-idx3-ubyte";

    /// <summary>Standard name of the training labels file.</summary>
    public const string TrainLabelsName = "train-labels-idx1-ubyte";

    /// <summary>Standard name of the test images file.</summary>
    public const string TestImagesName = "t10k-images-idx3-ubyte";

    /// <summary>Standard name of the test labels file.</summary>
    public const string TestLabelsName = "t10k-labels-idx1-ubyte";

    private const string GzipSuffix = ".gz";

    /// <summary>
    /// Finds the four files in <paramref name="directory"/>; where both a plain and a <c>.gz</c> file exist,
    /// the plain one is taken (it reads faster).
    /// </summary>
    /// <param name="directory">The directory to search (for example <c>/usr/share/datasets/fashion-mnist</c>).</param>
    /// <returns>The full paths of the four files.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist, or the path names a file.</exception>
    /// <exception cref="FileNotFoundException">One or more files are missing; the message lists all of them.</exception>
    /// <exception cref="IOException">A file is not a regular file (a folder, device, FIFO or socket).</exception>
    public static IdxDatasetFiles Locate(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (FileKinds.Of(directory) is var kind and not FileKind.Directory)
        {
            throw new DirectoryNotFoundException(kind == FileKind.Missing
                ? $"IDX dataset directory '{directory}' does not exist."
                : $"'{directory}' is {kind.Describe()}, not a folder of IDX files.");
        }

        string[] names = [TrainImagesName, TrainLabelsName, TestImagesName, TestLabelsName];
        var found = names.Select(name => Find(directory, name)).ToArray();
        var missing = names.Where((_, i) => found[i] is null).ToArray();
        if (missing.Length > 0)
        {
            var list = string.Join(", ", missing.Select(name => $"{name}[{GzipSuffix}]"));
            throw new FileNotFoundException(
                $"IDX dataset directory '{directory}' lacks {missing.Length} of the 4 files: {list}.");
        }

        // Refused by kind before anything opens them: reading a FIFO waits for a writer forever.
        foreach (var file in found)
        {
            InputFiles.RequireRegular(file!, "an IDX file");
        }
        return new IdxDatasetFiles(found[0]!, found[1]!, found[2]!, found[3]!);
    }

    private static string? Find(string directory, string name)
    {
        var plain = Path.GetFullPath(Path.Combine(directory, name));
        if (File.Exists(plain))
        {
            return plain;
        }

        var gzip = plain + GzipSuffix;
        return File.Exists(gzip) ? gzip : null;
    }
}
