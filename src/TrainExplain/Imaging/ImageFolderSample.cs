namespace TrainExplain.Imaging;

/// <summary>One image of an <see cref="ImageFolderDataset"/>: its file and its class index (torchvision's <c>samples</c> entry).</summary>
/// <param name="Path">The image file, under the root folder.</param>
/// <param name="Label">The class index: the place of its class folder among the sorted class names.</param>
public readonly record struct ImageFolderSample(string Path, int Label);
