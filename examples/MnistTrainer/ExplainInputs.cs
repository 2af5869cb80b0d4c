using System.Globalization;
using TrainExplain.Data;
using TrainExplain.Data.SafeTensors;
using TrainExplain.Imaging;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>The images to explain: a safetensors file, a range of the test split, or PNG files (exactly one of them).</summary>
internal sealed record ExplainInputs(string? SafeTensorsPath, string? DataDirectoryOption, string? Indices, string[] Images)
{
    /// <summary>Whether any input flag was given.</summary>
    internal bool IsGiven => SafeTensorsPath is not null || Indices is not null || Images.Length > 0;

    /// <summary>Loads images [N, 1, H, W] in [0, 1] and, where the source has them, labels [N] onto <paramref name="device"/>.</summary>
    internal (Tensor images, Tensor? labels) Load(Device device)
    {
        var sources = (SafeTensorsPath is null ? 0 : 1) + (Indices is null ? 0 : 1) + (Images.Length == 0 ? 0 : 1);
        if (sources != 1)
        {
            throw new ArgumentException("Give exactly one input: --input FILE.safetensors, --data DIR --indices A-B, or --images a.png ...");
        }
        var (images, labels) = SafeTensorsPath is not null ? FromSafeTensors(SafeTensorsPath)
            : Indices is not null ? FromDataset(DataDirectory.Resolve(DataDirectoryOption), Indices)
            : (FromPngs(Images), null);
        return (images.to(device), labels?.to(device));
    }

    private static (Tensor, Tensor?) FromSafeTensors(string path)
    {
        var tensors = TensorSafeTensors.Load(path);
        if (!tensors.TryGetValue("images", out var images))
        {
            throw new ArgumentException($"{path} has no 'images' tensor (found: {string.Join(", ", tensors.Keys)}).");
        }
        if (images.ndim != 4 || images.dtype != ScalarType.Float32)
        {
            throw new ArgumentException($"'images' in {path} must be float32 [N, C, H, W], got {images.dtype} [{string.Join(", ", images.shape)}].");
        }
        var labels = tensors.GetValueOrDefault("labels");
        if (labels is not null && (labels.ndim != 1 || labels.dtype != ScalarType.Int64 || labels.size(0) != images.size(0)))
        {
            throw new ArgumentException($"'labels' in {path} must be int64 [{images.size(0)}], got {labels.dtype} [{string.Join(", ", labels.shape)}].");
        }
        return (images, labels);
    }

    private static (Tensor, Tensor?) FromDataset(string directory, string range)
    {
        var parts = range.Split('-');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last) || last < first)
        {
            throw new ArgumentException($"--indices must be A-B with A <= B, got '{range}'.");
        }
        using var test = ImageDataset.LoadMnist(directory, train: false, limit: last + 1);
        if (last >= test.Count)
        {
            throw new ArgumentException($"--indices {range} goes past the test split's {test.Count} images.");
        }
        var (all, allLabels) = test.Take(last + 1);
        return (all.narrow(0, first, last - first + 1).contiguous(), allLabels.narrow(0, first, last - first + 1).contiguous());
    }

    private static Tensor FromPngs(IReadOnlyList<string> paths)
    {
        var first = Png.Load(paths[0]);
        var pixels = new float[paths.Count * first.Width * first.Height];
        for (var i = 0; i < paths.Count; i++)
        {
            var image = Png.Load(paths[i]);
            if (image.Width != first.Width || image.Height != first.Height)
            {
                throw new ArgumentException($"{paths[i]} is {image.Width}x{image.Height} but {paths[0]} is {first.Width}x{first.Height}: all images must have one size.");
            }
            var gray = image.ToChannels(1);
            for (var p = 0; p < gray.Pixels.Length; p++)
            {
                pixels[(i * gray.Pixels.Length) + p] = gray.Pixels[p] / 255f;
            }
        }
        return tensor(pixels, [paths.Count, 1, first.Height, first.Width]);
    }
}
