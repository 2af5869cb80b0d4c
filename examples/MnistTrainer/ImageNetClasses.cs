namespace MnistTrainer;

/// <summary>
/// ImageNet-1k's 1000 class names (Russakovsky et al. 2015, ILSVRC 2012), index by index, for torchvision models with
/// 1000 classes. The embedded imagenet1k_classes.txt was generated from Debian's python3-torchvision 0.14 with
/// <c>"\n".join(torchvision.models.ResNet18_Weights.IMAGENET1K_V1.meta["categories"])</c>, the names torchvision's
/// pretrained weights use.
/// </summary>
internal static class ImageNetClasses
{
    private const string Resource = "MnistTrainer.imagenet1k_classes.txt";

    private static readonly Lazy<IReadOnlyList<string>> Loaded = new(() =>
    {
        using var stream = typeof(ImageNetClasses).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The assembly lacks its embedded resource {Resource}.");
        using var reader = new StreamReader(stream);
        return ClassNamesFile.Parse(reader.ReadToEnd(), Resource);
    });

    /// <summary>The 1000 names, class 0 (tench) to class 999 (toilet tissue).</summary>
    internal static IReadOnlyList<string> Names => Loaded.Value;
}
