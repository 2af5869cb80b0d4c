using System.Globalization;
using MnistTrainer.Models;
using TrainExplain.Data.SafeTensors;
using TrainExplain.Imaging;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>
/// The images to explain: a safetensors file, a range of the test split, or image files (JPEG, PNG, WebP, BMP, GIF)
/// preprocessed by <see cref="Photos"/> (exactly one of them), for a model of <paramref name="Architecture"/>, whose
/// input the images must fit.
/// </summary>
internal sealed record ExplainInputs(string? SafeTensorsPath, string? DataDirectoryOption, string? Indices, string[] Images, Architecture Architecture, PhotoOptions Photos)
{
    /// <summary>The images the architecture takes, [C, H, W] (any H and W from its <see cref="Architecture.MinimumSide"/> where it has one).</summary>
    private long[] ModelImageShape => Architecture.InputShape;

    /// <summary>Whether any input flag was given.</summary>
    internal bool IsGiven => SafeTensorsPath is not null || Indices is not null || Images.Length > 0;

    /// <summary>
    /// The class names of the figure's labels: Fashion-MNIST's when the images come from (or <c>--data</c> names) a
    /// Fashion-MNIST folder, as <c>train</c> names them; null, for class indices, otherwise.
    /// </summary>
    internal IReadOnlyList<string>? ClassNames =>
        Indices is null && DataDirectoryOption is null ? null : FashionMnistClasses.For(DataDirectory.Resolve(DataDirectoryOption));

    /// <summary>
    /// Checks, before any model work, that exactly one input is given, its files exist and are files, the range parses,
    /// the preprocessing flags are valid, and each image's header declares a size that comes out as the model's input
    /// after <c>--resize</c> and <c>--crop</c> (read without decoding pixels, so a huge image costs nothing).
    /// </summary>
    /// <exception cref="ArgumentException">The message names the flag, the file and what was expected.</exception>
    internal void Check()
    {
        var sources = (SafeTensorsPath is null ? 0 : 1) + (Indices is null ? 0 : 1) + (Images.Length == 0 ? 0 : 1);
        if (sources != 1)
        {
            throw new ArgumentException("Give exactly one input: --input FILE.safetensors, --data DIR --indices A-B, or --images a.jpg b.png ...");
        }
        if (SafeTensorsPath is not null)
        {
            InputPaths.RequireFile("--input", SafeTensorsPath);
        }
        if (Indices is not null)
        {
            ParseRange(Indices);
        }
        if (Images.Length == 0)
        {
            return;
        }
        var preprocessing = Photos.Preprocessing(ModelImageShape);
        foreach (var path in Images)
        {
            InputPaths.RequireFile("--images", path);
            var (width, height) = ReadImage(path, ImageFile.ReadSize);
            var (outWidth, outHeight) = preprocessing.OutputSize(width, height);
            if (outWidth != ModelImageShape[2] || outHeight != ModelImageShape[1])
            {
                var after = preprocessing.Resize is null && preprocessing.Crop is null ? "" : $" and comes out {outWidth}x{outHeight} after --resize/--crop";
                throw new ArgumentException(
                    $"--images {path} is {width}x{height}{after}; the model takes {ModelImageShape[2]}x{ModelImageShape[1]} images. Give --crop {ModelImageShape[1]} (with --resize to scale first).");
            }
        }
    }

    /// <summary>
    /// Where the images come from, in words, for the command's summary: with --indices it names the folder, which without
    /// --data is found as <see cref="DataDirectory.Resolve"/> says (MNIST_DIR, ./data/mnist or Debian's Fashion-MNIST).
    /// </summary>
    internal string Describe() =>
        SafeTensorsPath is not null ? $"--input {SafeTensorsPath}"
        : Indices is not null ? $"--indices {Indices} of the test split in {Path.GetFullPath(DataDirectory.Resolve(DataDirectoryOption))}"
        : $"--images ({Images.Length} files)";

    /// <summary>
    /// Loads images [N, C, H, W] of the model's shape (files preprocessed by <see cref="Photos"/>) and, where the source
    /// has them, labels [N] onto <paramref name="device"/>, after <see cref="Check"/>.
    /// </summary>
    internal (Tensor images, Tensor? labels) Load(Device device)
    {
        var (images, labels) = SafeTensorsPath is not null ? FromSafeTensors(SafeTensorsPath)
            : Indices is not null ? FromDataset(DataDirectory.Resolve(DataDirectoryOption), Indices)
            : (FromImages(Images, Photos.Preprocessing(ModelImageShape)), null);
        return (images.to(device), labels?.to(device));
    }

    private (Tensor, Tensor?) FromSafeTensors(string path)
    {
        Dictionary<string, Tensor> tensors;
        try
        {
            tensors = TensorSafeTensors.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
        {
            throw new InvalidDataException($"--input {path}: {e.Message}", e);
        }
        if (!tensors.TryGetValue("images", out var images))
        {
            throw new ArgumentException($"{path} has no 'images' tensor (found: {string.Join(", ", tensors.Keys)}).");
        }
        var fits = Architecture.MinimumSide is { } side
            ? images.ndim == 4 && images.size(1) == ModelImageShape[0] && images.size(2) >= side && images.size(3) >= side
            : images.ndim == 4 && images.shape.Skip(1).SequenceEqual(ModelImageShape);
        if (!fits || images.dtype != ScalarType.Float32)
        {
            var expected = Architecture.MinimumSide is { } minimum ? $"[N, {ModelImageShape[0]}, H, W] with H, W >= {minimum}" : $"[N, {string.Join(", ", ModelImageShape)}]";
            throw new ArgumentException(
                $"--input {path}: 'images' must be float32 {expected} (the model's input), got {images.dtype} [{string.Join(", ", images.shape)}].");
        }
        var nonFinite = images.isfinite().logical_not().sum().item<long>();
        if (nonFinite > 0)
        {
            throw new ArgumentException($"--input {path}: 'images' holds {nonFinite} NaN or infinite values; every pixel must be a finite number.");
        }
        var labels = tensors.GetValueOrDefault("labels");
        if (labels is not null && (labels.ndim != 1 || labels.dtype != ScalarType.Int64 || labels.size(0) != images.size(0)))
        {
            throw new ArgumentException($"--input {path}: 'labels' must be int64 [{images.size(0)}], got {labels.dtype} [{string.Join(", ", labels.shape)}].");
        }
        return (images, labels);
    }

    /// <summary>Parses A-B; the upper bound is checked against the test split once it is read.</summary>
    private static (int First, int Last) ParseRange(string range)
    {
        var parts = range.Split('-');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last) || last < first)
        {
            throw new ArgumentException($"--indices must be A-B, two whole numbers with A <= B, got '{range}'.");
        }
        return (first, last);
    }

    private static (Tensor, Tensor?) FromDataset(string directory, string range)
    {
        var (first, last) = ParseRange(range);
        // last + 1 overflows at int.MaxValue: such a limit only has to be past the split's end.
        using var test = DataDirectory.Load(directory, train: false, limit: (int)Math.Min(last + 1L, int.MaxValue));
        if (last >= test.Count)
        {
            throw new ArgumentException($"--indices {range} goes past the test split's {test.Count} images (0-{test.Count - 1}).");
        }
        var (all, allLabels) = test.Take(last + 1);
        return (all.narrow(0, first, last - first + 1).contiguous(), allLabels.narrow(0, first, last - first + 1).contiguous());
    }

    /// <summary>Reads an image file; the decoder's message names the file, and this one adds the flag that gave it.</summary>
    private static T ReadImage<T>(string path, Func<string, T> read)
    {
        try
        {
            return read(path);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
        {
            throw new InvalidDataException($"--images {e.Message}", e);
        }
    }

    /// <summary>
    /// The image files through <paramref name="preprocessing"/>, [N, C, H, W]; <see cref="Check"/> has read their sizes. A
    /// transparent pixel is black: the MNIST models were trained on digits drawn on black.
    /// </summary>
    private static Tensor FromImages(IReadOnlyList<string> paths, ImagePreprocessing preprocessing) =>
        // Lazy: each photo is decoded, prepared and dropped before the next is read.
        preprocessing.ApplyBatch(paths.Select(path => ReadImage(path, p => ImageFile.Load(p))));
}
