using TrainExplain.Data;
using TrainExplain.Imaging;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>
/// What <c>train</c> trains and validates on, from either layout <c>--data</c> accepts: the four MNIST-format IDX files
/// (train and test split) or an image folder with <c>train/&lt;class&gt;/*</c> and <c>val/&lt;class&gt;/*</c>
/// (torchvision's ImageFolder layout, as ImageNet is laid out), whose images are decoded one batch at a time.
/// </summary>
internal sealed class TrainingData : IDisposable
{
    private readonly ImageDataset? mnistTrain;
    private readonly ImageDataset? mnistValidation;
    private readonly ImageFolderDataset? folderValidation;
    private readonly IReadOnlyList<string>? classNames;

    private TrainingData(IBatchSource train, IBatchSource validation, IReadOnlyList<string>? classNames,
        ImageDataset? mnistTrain = null, ImageDataset? mnistValidation = null, ImageFolderDataset? folderValidation = null)
    {
        (Train, Validation, this.classNames) = (train, validation, classNames);
        (this.mnistTrain, this.mnistValidation, this.folderValidation) = (mnistTrain, mnistValidation, folderValidation);
    }

    /// <summary>The validation batch size: a batch is only a forward pass, so larger than training's.</summary>
    private const int ValidationBatchSize = 256;

    /// <summary>The shuffled training batches.</summary>
    internal IBatchSource Train { get; }

    /// <summary>The validation batches, in order.</summary>
    internal IBatchSource Validation { get; }

    /// <summary>The number of validation images.</summary>
    internal int ValidationCount => this.mnistValidation?.Count ?? this.folderValidation!.Count;

    /// <summary>The classes of the data: an image folder's class folders, or MNIST's ten.</summary>
    internal int ClassCount => this.folderValidation is null ? ImageDataset.MnistClasses : this.classNames!.Count;

    /// <summary>
    /// Reads (MNIST) or lists (image folder) both splits of <see cref="TrainSettings.Data"/>; <paramref name="preprocessing"/>
    /// turns an image folder's photos into the model's inputs as they are decoded.
    /// </summary>
    /// <exception cref="InvalidDataException">A file or folder is unreadable or malformed; the message names --data.</exception>
    internal static TrainingData Load(TrainSettings settings, ImagePreprocessing preprocessing)
    {
        if (!DataDirectory.IsImageFolder(settings.Data))
        {
            var train = DataDirectory.Load(settings.Data, train: true, settings.LimitTrain);
            var validation = DataDirectory.Load(settings.Data, train: false, settings.LimitValidation);
            return new TrainingData(new BatchLoader(train, settings.BatchSize, shuffle: true, seed: settings.Seed, device: settings.Device),
                new BatchLoader(validation, ValidationBatchSize, device: settings.Device), FashionMnistClasses.For(settings.Data), train, validation);
        }
        var (trainFolder, validationFolder) = DataDirectory.ImageFolderSplits(settings.Data);
        var trainImages = Folder(() => new ImageFolderDataset(trainFolder, preprocessing.Apply, settings.BatchSize, shuffle: true,
            seed: settings.Seed, limit: settings.LimitTrain, device: settings.Device));
        var validationImages = Folder(() => new ImageFolderDataset(validationFolder, preprocessing.Apply, ValidationBatchSize,
            limit: settings.LimitValidation, device: settings.Device));
        if (!trainImages.Classes.SequenceEqual(validationImages.Classes))
        {
            throw new InvalidDataException(
                $"--data {settings.Data}: train/ has the class folders {string.Join(", ", trainImages.Classes)} but val/ has {string.Join(", ", validationImages.Classes)}; both splits need the same class folders.");
        }
        return new TrainingData(trainImages, validationImages, trainImages.Classes, folderValidation: validationImages);
    }

    /// <summary>The first (MNIST) or class-spread (image folder) <paramref name="count"/> validation images and their labels, on the CPU.</summary>
    internal (Tensor Images, Tensor Labels) TakeValidation(int count) =>
        this.mnistValidation?.Take(count) ?? Folder(() => this.folderValidation!.Take(count));

    /// <summary>
    /// Class visualization's reference image [C, H, W]: the mean training image for MNIST (its images are in memory);
    /// for an image folder the mean of <paramref name="validationBatch"/> (the fixed validation batch), since a mean of
    /// the training photos would decode them all once more before the first epoch.
    /// </summary>
    internal Tensor MeanImage(Tensor validationBatch) => this.mnistTrain?.Images.mean([0]) ?? validationBatch.mean([0]);

    /// <summary>
    /// The figures' class names for a model with <paramref name="outputs"/> classes: Fashion-MNIST's, none for MNIST's
    /// digits, or the image folder's class folders, outputs past them named by their index (a model with more outputs
    /// than the folder has classes can still predict them).
    /// </summary>
    /// <exception cref="ArgumentException">The folder has more classes than the model has outputs.</exception>
    internal IReadOnlyList<string>? ClassNamesFor(int outputs, string architecture, string data)
    {
        if (this.classNames is null || this.folderValidation is null)
        {
            return this.classNames;
        }
        if (this.classNames.Count > outputs)
        {
            throw new ArgumentException(
                $"--data {data} has {this.classNames.Count} class folders, but --arch {architecture} has {outputs} outputs; use at most {outputs} classes.");
        }
        return [.. this.classNames, .. Enumerable.Range(this.classNames.Count, outputs - this.classNames.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }

    /// <summary>Frees the MNIST splits' tensors (an image folder holds none).</summary>
    public void Dispose()
    {
        this.mnistTrain?.Dispose();
        this.mnistValidation?.Dispose();
    }

    /// <summary>Runs a step of an image folder, naming --data in its errors (the library's messages name the folder and file).</summary>
    private static T Folder<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new InvalidDataException($"--data: {e.Message}", e);
        }
    }
}
