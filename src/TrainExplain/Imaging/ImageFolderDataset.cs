using TrainExplain.Data;

namespace TrainExplain.Imaging;

/// <summary>
/// Labeled image files in the layout of torchvision's <c>datasets.ImageFolder</c>: a root folder with one subfolder per
/// class (<c>root/cat/001.png</c>, <c>root/dog/xyz.jpg</c>), read in batches as an <see cref="IBatchSource"/>.
/// <list type="bullet">
/// <item>Classes: the subfolder names in ordinal sort, class index = place in that order, as torchvision's
/// <c>find_classes</c>; a subfolder whose name starts with '.' (such as <c>.ipynb_checkpoints</c>) is not a class.</item>
/// <item>Images: every file under a class folder, subfolders included, whose extension is one of
/// <see cref="Extensions"/> (case-insensitive); other files and hidden ones (name starting with '.') are ignored, as
/// torchvision ignores other extensions. <see cref="Samples"/> lists them class by class, each class's files ordered by
/// folder then name (ordinal), as torchvision's <c>make_dataset</c> walks them.</item>
/// <item>Decoding: each batch decodes only its own images with <see cref="ImageFile.Load"/> and turns each into
/// float32 [C, H, W] with the caller's transform (resize, crop, normalize); nothing else is kept, so memory is one batch
/// whatever the dataset's size. A file that cannot be decoded stops the enumeration with an error naming it: skipping
/// it would silently change the epoch's batches and labels, so the user removes or replaces it.</item>
/// <item>Batches: <see cref="BatchSize"/> images (the last one smaller), in file order or, with <c>shuffle</c>, in a
/// new seeded order every epoch (every enumeration), the same sequence of orders for the same seed, as
/// <see cref="BatchLoader"/>; an <see cref="ImageAugmentation"/> is applied to each training image of a batch, never
/// to <see cref="Take"/>'s fixed batch.</item>
/// </list>
/// </summary>
public sealed class ImageFolderDataset : IBatchSource
{
    private readonly Func<Image, Tensor> transform;
    private readonly ImageAugmentation? augmentation;
    private readonly Random random;
    private readonly bool shuffle;
    private (long[] Shape, string Path)? firstImage;

    /// <summary>Lists the classes and images of <paramref name="root"/>; no image is decoded until a batch is asked for.</summary>
    /// <param name="root">The folder holding one subfolder of images per class.</param>
    /// <param name="transform">
    /// Turns a decoded image (1 to 4 channels, any size) into a new float32 [C, H, W] tensor, the same shape for every
    /// image (resize and crop here); the dataset disposes what it returns.
    /// </param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="shuffle">Whether each epoch draws a new order.</param>
    /// <param name="seed">Seed of the orders and of the augmentation's draws.</param>
    /// <param name="augmentation">Random training augmentation of each batch's images; null for none.</param>
    /// <param name="limit">
    /// Keeps this many images, taken from the classes in turn (the first image of each class, then the second, ...), so
    /// a small limit still holds every class; null keeps all.
    /// </param>
    /// <param name="device">Where the batches are put (default the CPU).</param>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> is not an existing folder.</exception>
    /// <exception cref="InvalidDataException">The root has no class folder, or a class folder holds no image.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The batch size or the limit is not positive.</exception>
    public ImageFolderDataset(string root, Func<Image, Tensor> transform, int batchSize = 64, bool shuffle = false, int seed = 0,
        ImageAugmentation? augmentation = null, int? limit = null, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (limit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The image limit must be positive.");
        }
        (Root, this.transform, BatchSize, this.shuffle, this.augmentation) = (root, transform, batchSize, shuffle, augmentation);
        this.random = new Random(seed);
        Device = device ?? torch.CPU;
        var (classes, samples) = Scan(root);
        Classes = classes;
        Samples = limit is { } kept && kept < samples.Count ? [.. SpreadOverClasses(samples, kept).Order().Select(i => samples[i])] : samples;
    }

    /// <summary>The file extensions read as images, lower case: those <see cref="ImageFile.Load"/> decodes.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"];

    /// <summary>The root folder.</summary>
    public string Root { get; }

    /// <summary>The class names (the class folders' names), index by index.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Every image kept, class by class, with its class index.</summary>
    public IReadOnlyList<ImageFolderSample> Samples { get; }

    /// <summary>The number of images.</summary>
    public int Count => Samples.Count;

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; }

    /// <inheritdoc />
    public Device Device { get; }

    /// <inheritdoc />
    public int BatchCount => (Count + BatchSize - 1) / BatchSize;

    /// <summary>
    /// A fixed batch of <paramref name="count"/> images, taken from the classes in turn (the first image of each class,
    /// then the second, ...) so that it shows every class, as new tensors on <paramref name="device"/> (default the
    /// CPU): images float32 [count, C, H, W] from the transform, without augmentation, and labels int64 [count].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not 1 to <see cref="Count"/>.</exception>
    public (Tensor Images, Tensor Labels) Take(int count, Device? device = null)
    {
        if (count < 1 || count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Expected 1 to {Count} images.");
        }
        return Load(SpreadOverClasses(Samples, count), augment: false, device ?? torch.CPU);
    }

    /// <inheritdoc />
    public IEnumerator<(Tensor Inputs, Tensor Labels)> GetEnumerator()
    {
        var order = Enumerable.Range(0, Count).ToArray();
        if (this.shuffle)
        {
            this.random.Shuffle(order);
        }
        for (var start = 0; start < Count; start += BatchSize)
        {
            yield return Load(order[start..Math.Min(start + BatchSize, Count)], augment: this.augmentation is not null, Device);
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Decodes, transforms and (for training) augments the images at <paramref name="indices"/> of <see cref="Samples"/>.</summary>
    private (Tensor Images, Tensor Labels) Load(IReadOnlyList<int> indices, bool augment, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var images = new Tensor[indices.Count];
        var labels = new long[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            var sample = Samples[indices[i]];
            var image = Checked(this.transform(Decode(sample.Path)), sample.Path);
            images[i] = augment ? this.augmentation!.Apply(image, this.random) : image;
            labels[i] = sample.Label;
        }
        var batch = torch.stack(images).to(device);
        var labelTensor = torch.tensor(labels).to(device);
        return (batch.MoveToOuterDisposeScope(), labelTensor.MoveToOuterDisposeScope());
    }

    private Image Decode(string path)
    {
        try
        {
            return ImageFile.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or UnauthorizedAccessException)
        {
            var reason = e.Message.Contains(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}";
            throw new InvalidDataException($"Image folder {Root}: {reason} (unreadable images are not skipped: remove or replace the file).", e);
        }
    }

    /// <summary>The transform's output, checked to be float32 [C, H, W] of the first image's shape, so a batch can be stacked.</summary>
    private Tensor Checked(Tensor image, string path)
    {
        if (image.dtype != ScalarType.Float32 || image.ndim != 3)
        {
            throw new InvalidDataException(
                $"Image folder {Root}: the transform turned {path} into {image.dtype} [{string.Join(", ", image.shape)}]; it must give float32 [C, H, W].");
        }
        this.firstImage ??= (image.shape, path);
        var (shape, first) = this.firstImage.Value;
        if (!image.shape.SequenceEqual(shape))
        {
            throw new InvalidDataException(
                $"Image folder {Root}: the transform turned {path} into [{string.Join(", ", image.shape)}], but {first} into [{string.Join(", ", shape)}]; every image must give the same [C, H, W] (resize or crop them in the transform, and give each the same channel count).");
        }
        return image;
    }

    /// <summary>The classes and images under <paramref name="root"/>, as the class documentation says.</summary>
    private static (IReadOnlyList<string> Classes, IReadOnlyList<ImageFolderSample> Samples) Scan(string root)
    {
        const string Layout = "one subfolder of images per class, as torchvision's ImageFolder (root/cat/1.png, root/dog/2.jpg)";
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Image folder {root} does not exist or is not a folder; expected a folder with {Layout}.");
        }
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>()
            .Where(name => !name.StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        if (classes.Count == 0)
        {
            throw new InvalidDataException($"Image folder {root} has no class folder; expected {Layout}.");
        }
        var samples = new List<ImageFolderSample>();
        var empty = new List<string>();
        for (var label = 0; label < classes.Count; label++)
        {
            var files = ImageFiles(Path.Combine(root, classes[label]));
            if (files.Count == 0)
            {
                empty.Add(classes[label]);
            }
            samples.AddRange(files.Select(file => new ImageFolderSample(file, label)));
        }
        if (empty.Count > 0)
        {
            throw new InvalidDataException(
                $"Image folder {root}: the class folder(s) {string.Join(", ", empty)} hold no image ({string.Join(" ", Extensions)}); every class needs at least one.");
        }
        return (classes, samples);
    }

    /// <summary>The image files under <paramref name="folder"/>, by folder then name (ordinal), skipping hidden ones.</summary>
    private static List<string> ImageFiles(string folder) =>
    [
        .. Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false })
            .Where(file => Extensions.Contains(Path.GetExtension(file).ToLowerInvariant()))
            .OrderBy(Path.GetDirectoryName, StringComparer.Ordinal).ThenBy(Path.GetFileName, StringComparer.Ordinal),
    ];

    /// <summary>
    /// The indices of <paramref name="count"/> of <paramref name="samples"/> (which are class by class), taken from the
    /// classes in turn: the first image of each class, then the second, ..., a class that runs out being passed over.
    /// </summary>
    private static int[] SpreadOverClasses(IReadOnlyList<ImageFolderSample> samples, int count)
    {
        var byClass = Enumerable.Range(0, samples.Count).GroupBy(i => samples[i].Label).Select(g => g.ToArray()).ToList();
        return [.. Enumerable.Range(0, byClass.Max(c => c.Length))
            .SelectMany(rank => byClass.Where(c => rank < c.Length).Select(c => c[rank]))
            .Take(count)];
    }
}
