using MnistTrainer.Models;
using TrainExplain.Imaging;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>
/// How <c>train --data</c>'s image folder turns a decoded photo into the input the example's models take, 1x28x28 gray
/// in [0, 1] as MNIST's: composited over black (the models learned digits on black), converted to gray (ITU-R BT.601
/// luma), divided by 255, and resized bilinearly with antialiasing to 28x28 when it is another size (the aspect ratio is
/// not kept). The one place a photo becomes a model input: a preprocessing for 3x224 models (resize, center crop,
/// ImageNet mean/std) replaces <see cref="ToModelInput"/> where <see cref="TrainingData"/> passes it.
/// </summary>
internal static class FolderImageTransform
{
    /// <summary>The image as float32 [1, 28, 28] in [0, 1]; a new tensor.</summary>
    internal static Tensor ToModelInput(Image image)
    {
        var gray = image.CompositeOverBlack().ToChannels(1);
        var shape = Architectures.Get("simple").InputShape;
        var (height, width) = (shape[1], shape[2]);
        using var scope = NewDisposeScope();
        var pixels = tensor(gray.Pixels, [1, 1, gray.Height, gray.Width]).to(float32).div(255f);
        var sized = gray.Height == height && gray.Width == width ? pixels
            : nn.functional.interpolate(pixels, [height, width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true).clamp(0f, 1f);
        return sized[0].MoveToOuterDisposeScope();
    }
}
