
namespace TrainExplain.Data;

/// <summary>
/// Labeled images held as two CPU tensors: pixels scaled to [0, 1] as float32 [N, C, H, W] and class indices as int64 [N].
/// The dataset owns them (they belong to no dispose scope) and frees them on <see cref="Dispose"/>.
/// </summary>
public sealed class ImageDataset : IDisposable
{
    /// <summary>The classes of MNIST and Fashion-MNIST, labeled 0 to 9.</summary>
    public const int MnistClasses = 10;

    /// <summary>Takes ownership of <paramref name="images"/> [N, C, H, W] float32 and <paramref name="labels"/> [N] int64.</summary>
    /// <exception cref="ArgumentException">The shapes or dtypes do not fit together.</exception>
    public ImageDataset(Tensor images, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.ndim != 4 || images.dtype != ScalarType.Float32)
        {
            throw new ArgumentException($"Images must be float32 [N, C, H, W], got {images}.", nameof(images));
        }
        if (labels.ndim != 1 || labels.dtype != ScalarType.Int64 || labels.size(0) != images.size(0))
        {
            throw new ArgumentException($"Labels must be int64 [{images.size(0)}], got {labels}.", nameof(labels));
        }
        Images = images.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
    }

    /// <summary>Pixels in [0, 1], float32 [N, C, H, W], on the CPU.</summary>
    public Tensor Images { get; }

    /// <summary>Class indices, int64 [N], on the CPU.</summary>
    public Tensor Labels { get; }

    /// <summary>The number of examples.</summary>
    public int Count => (int)Images.size(0);

    /// <summary>
    /// Reads an MNIST-format split: <paramref name="train"/> picks the train files, else the test (t10k) files; pixels
    /// are divided by 255 and nothing else; <paramref name="limit"/> keeps the first examples only. Labels must be one of
    /// the <see cref="MnistClasses"/> classes.
    /// </summary>
    public static ImageDataset LoadMnist(string directory, bool train, int? limit = null)
    {
        var files = IdxDatasetFiles.Locate(directory);
        return FromIdx(train ? files.TrainImages : files.TestImages, train ? files.TrainLabels : files.TestLabels, limit, MnistClasses);
    }

    /// <summary>
    /// Checks that <paramref name="directory"/> holds the four MNIST-format files as regular files, without reading
    /// them, so a command line can refuse a wrong folder before it creates any output.
    /// </summary>
    /// <exception cref="IOException">The folder is missing or not a folder, a file is missing, or one is not a regular file.</exception>
    public static void CheckMnistFolder(string directory) => IdxDatasetFiles.Locate(directory);

    /// <summary>Reads an IDX image file [N, rows, cols] of bytes and its IDX label file [N], whose labels must be below <paramref name="classes"/> where given.</summary>
    /// <exception cref="InvalidDataException">The files are malformed, their counts differ, or a kept label is not below <paramref name="classes"/>.</exception>
    public static ImageDataset FromIdx(string imagesPath, string labelsPath, int? limit = null, int? classes = null)
    {
        if (limit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The example limit must be positive.");
        }
        var images = IdxFile.ReadImages(imagesPath);
        var labels = IdxFile.ReadLabels(labelsPath);
        if (labels.Length != images.Count)
        {
            throw new InvalidDataException($"'{imagesPath}' holds {images.Count} images but '{labelsPath}' holds {labels.Length} labels.");
        }
        var count = Math.Min(images.Count, limit ?? images.Count);
        var pixelsPerImage = images.Rows * images.Columns;
        var pixels = new float[count * pixelsPerImage];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = images.Pixels[i] / 255f;
        }
        var indices = new long[count];
        for (var i = 0; i < count; i++)
        {
            indices[i] = labels[i] < classes || classes is null ? labels[i]
                : throw new InvalidDataException($"'{labelsPath}' gives example {i} the label {labels[i]}; labels must be 0 to {classes - 1}.");
        }
        return new ImageDataset(
            torch.tensor(pixels, [count, 1, images.Rows, images.Columns]),
            torch.tensor(indices, [count]));
    }

    /// <summary>The first <paramref name="count"/> examples as new tensors on <paramref name="device"/> (a fixed validation batch).</summary>
    public (Tensor images, Tensor labels) Take(int count, Device? device = null)
    {
        if (count < 1 || count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Expected 1 to {Count} examples.");
        }
        return Slice(0, count, device ?? torch.CPU);
    }

    /// <summary>Examples [start, start + count) as new tensors on <paramref name="device"/>.</summary>
    internal (Tensor images, Tensor labels) Slice(long start, long count, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var images = Images.narrow(0, start, count).to(device).contiguous();
        var labels = Labels.narrow(0, start, count).to(device).contiguous();
        return (images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>The examples at <paramref name="indices"/> (int64, CPU) as new tensors on <paramref name="device"/>.</summary>
    internal (Tensor images, Tensor labels) Gather(Tensor indices, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var images = Images.index_select(0, indices).to(device);
        var labels = Labels.index_select(0, indices).to(device);
        return (images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
