using static TorchSharp.torch;
using TV = TorchSharp.torchvision.models;

namespace MnistTrainer.Models;

/// <summary>
/// The example's model architectures by their command-line names: its own MNIST ConvNets and TorchSharp's torchvision
/// models (NuGet TorchVision 0.107), whose parameter names are PyTorch's torchvision ones, so a PyTorch state_dict loads.
/// </summary>
public static class Architectures
{
    /// <summary>ImageNet's input: RGB at 224x224, the size torchvision's pretrained weights were trained at.</summary>
    private static readonly long[] ImageNetShape = [3, 224, 224];

    private static readonly long[] MnistShape = [1, 28, 28];

    /// <summary>
    /// torchvision's ResNet blocks end with <c>x.add_(identity).relu_()</c>, a tensor function, so only the ReLU modules
    /// (stem and the blocks' first ReLUs) take a backward rule: the result would be neither method.
    /// </summary>
    private const string ResNetRelus = "its residual blocks apply their last ReLU as a tensor function (x.add_(identity).relu_()), which no module hook reaches";

    /// <summary>MobileNetV2's activations are ReLU6 modules, which the ReLU backward rules do not cover (ReLU6 also clips at 6).</summary>
    private const string MobileNetRelus = "its activations are ReLU6 modules, to which the ReLU backward rules do not apply";

    /// <summary>
    /// The architectures. The CAM layer of each: ResNets' <c>layer4</c> (the last residual stage, as Grad-CAM users take it);
    /// for VGG and AlexNet the last ReLU of <c>features</c>, the rectified output of the last convolution, which is the
    /// layer Selvaraju et al. (2017) use for VGG-16 (relu5_3) and is before the last max-pool, so the map keeps 14x14
    /// (VGG) or 13x13 (AlexNet) cells at 224 px; MobileNetV2's <c>features.18</c>, its last 1x1 conv block.
    /// The smallest side: 32 px leave one cell after the five stride-2 stages of ResNet, VGG and MobileNetV2; AlexNet's
    /// stride-4 11x11 stem and three 3x3/2 max-pools need 63 px.
    /// </summary>
    private static readonly Architecture[] All =
    [
        new("simple", MnistShape, null, 10, null, false, null, _ => new SimpleConvNet()),
        new("deep", MnistShape, null, 10, null, false, null, _ => new DeepConvNet()),
        new("resnet18", ImageNetShape, 32, 1000, "layer4", true, ResNetRelus, n => TV.resnet18(n)),
        new("resnet34", ImageNetShape, 32, 1000, "layer4", true, ResNetRelus, n => TV.resnet34(n)),
        new("resnet50", ImageNetShape, 32, 1000, "layer4", true, ResNetRelus, n => TV.resnet50(n)),
        new("vgg11", ImageNetShape, 32, 1000, "features.19", true, null, n => TV.vgg11(n)),
        new("vgg11_bn", ImageNetShape, 32, 1000, "features.27", true, null, n => TV.vgg11_bn(n)),
        new("vgg16", ImageNetShape, 32, 1000, "features.29", true, null, n => TV.vgg16(n)),
        new("vgg16_bn", ImageNetShape, 32, 1000, "features.42", true, null, n => TV.vgg16_bn(n)),
        new("mobilenet_v2", ImageNetShape, 32, 1000, "features.18", true, MobileNetRelus, n => TV.mobilenet_v2(n)),
        new("alexnet", ImageNetShape, 63, 1000, "features.11", true, null, n => TV.alexnet(n)),
    ];

    /// <summary>The names accepted by <c>--arch</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(a => a.Name)];

    /// <summary>The architectures of 1x28x28 MNIST images, the ones <c>train</c> takes (its data is MNIST-format).</summary>
    internal static IReadOnlyList<string> MnistNames { get; } = [.. All.Where(a => !a.IsTorchVision).Select(a => a.Name)];

    /// <summary>A freshly initialized model of the named architecture with its default class count.</summary>
    /// <exception cref="ArgumentException">The name is unknown.</exception>
    public static nn.Module<Tensor, Tensor> Create(string name) => Create(name, null);

    /// <summary>
    /// A freshly initialized model of the named architecture with <paramref name="classes"/> outputs (null: its default).
    /// The MNIST ConvNets have ten outputs, so any other count is refused for them.
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown, or the class count does not fit it.</exception>
    public static nn.Module<Tensor, Tensor> Create(string name, int? classes) => Get(name).Factory(Classes(name, classes));

    /// <summary>The class count <c>--num-classes</c> gives <paramref name="name"/>, checked.</summary>
    /// <exception cref="ArgumentException">The count is below 1, or not 10 for an MNIST ConvNet; the message names the flag.</exception>
    internal static int Classes(string name, int? classes)
    {
        var architecture = Get(name);
        return classes switch
        {
            null => architecture.DefaultClasses,
            < 1 => throw new ArgumentException($"--num-classes must be at least 1, got {classes}."),
            { } given when !architecture.IsTorchVision && given != architecture.DefaultClasses =>
                throw new ArgumentException($"--num-classes {given}: --arch {name} has {architecture.DefaultClasses} outputs (its last layer is sized for MNIST's classes); only the torchvision architectures take another count."),
            { } given => given,
        };
    }

    /// <summary>The named architecture's description.</summary>
    /// <exception cref="ArgumentException">The name is unknown.</exception>
    internal static Architecture Get(string name) =>
        All.FirstOrDefault(a => a.Name == name) ?? throw new ArgumentException($"Unknown architecture '{name}': expected one of {string.Join(", ", Names)}.");
}
