using TrainExplain.Imaging;
using static TorchSharp.torch;

namespace MnistTrainer.Models;

/// <summary>
/// What the command line needs to know of one architecture, in one place: its name, the input it takes, its classes,
/// the CAM layer users expect, and whether every ReLU of its forward pass is a module called with <c>.call()</c>
/// (the backward rules of guided backpropagation and DeepLIFT reach only those).
/// </summary>
/// <param name="Name">The <c>--arch</c> name.</param>
/// <param name="InputShape">One image as the model takes it, [C, H, W]: the size it was designed for (ImageNet's 224 for torchvision's).</param>
/// <param name="MinimumSide">Null when the model takes only <see cref="InputShape"/>; otherwise the smallest height and width it takes (its adaptive pooling takes any size from there).</param>
/// <param name="DefaultClasses">The classes when <c>--num-classes</c> is not given.</param>
/// <param name="CamLayer">The default layer of the CAM methods and activations; null keeps the library's default, the last Conv2d.</param>
/// <param name="IsTorchVision">Whether the model is TorchSharp's <c>torchvision.models</c> one (any class count; ImageNet's names at 1000).</param>
/// <param name="UnreachableRelus">Null when backward rules reach every ReLU; otherwise which ones they cannot reach, and why.</param>
/// <param name="Factory">A freshly initialized model with the given class count.</param>
internal sealed record Architecture(
    string Name,
    long[] InputShape,
    long? MinimumSide,
    int DefaultClasses,
    string? CamLayer,
    bool IsTorchVision,
    string? UnreachableRelus,
    Func<int, nn.Module<Tensor, Tensor>> Factory)
{
    /// <summary>The smallest side drawn at its own size: smaller images (MNIST's 28 px) are enlarged to stay legible.</summary>
    private const int LegibleSide = 112;

    /// <summary>
    /// The images <c>train</c> explains when <c>--explain-count</c> is not given: 16 digits of 28 px, or 4 photos, since
    /// one to four 224-px images read well and each costs seconds of explaining.
    /// </summary>
    internal int ExplainCount => IsTorchVision ? 4 : 16;

    /// <summary>
    /// The percent of a <c>train</c> run's time its explainer callback may take when <c>--explain-budget</c> is not given:
    /// 5 for a torchvision model, whose methods at 224 px cost as much as many training steps; none for the MNIST
    /// ConvNets, explained at every epoch as the README shows.
    /// </summary>
    internal double? ExplainBudget => IsTorchVision ? 5 : null;

    /// <summary>
    /// How a figure of this model's inputs draws: photos de-normalized by their <paramref name="photos"/> preprocessing
    /// (null for inputs already in [0, 1]), so the heatmaps lie over the picture the model saw; and inputs of 112 px or
    /// more at their own size (no enlargement), so 224-px tiles stay legible without a figure thousands of pixels wide.
    /// </summary>
    internal RenderOptions FigureOptions(ImagePreprocessing? photos) => new()
    {
        InputPreprocessing = photos,
        Upscale = InputShape[1] >= LegibleSide ? 1 : new RenderOptions().Upscale,
    };
}
