using System.Runtime.InteropServices;
using TrainExplain.Explainers;

namespace TrainExplain.Tests.Explainers;

/// <summary>Issue 24: libtorch's errors reach users with their first line and the input shape, without the C++ frames, which stay in the inner exception.</summary>
public sealed class LibTorchMessageTests
{
    [Fact]
    public void ThirtyTwoPixelImagesIntoATwentyEightPixelModelGiveOneLineThatNamesTheShapes()
    {
        torch.manual_seed(0);
        using var model = nn.Sequential(
            ("conv1", nn.Conv2d(1, 16, 3, padding: 1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(16, 32, 3, padding: 1)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()), ("fc", nn.Linear(32 * 7 * 7, 10)));
        using var images = torch.rand(8, 1, 32, 32);

        IExplainer[] explainers = [new GradCam(model, layer: "conv2"), new VanillaGradients(model)];
        foreach (var explainer in explainers)
        {
            var error = Assert.Throws<ExternalException>(() => explainer.Explain(images, Targets.Predicted).Dispose());
            // 32x32 pools to 8x8x32 = 2048 features where the linear layer takes 7x7x32 = 1568.
            Assert.Equal($"{explainer.Name} failed on inputs of shape [8, 1, 32, 32]: mat1 and mat2 shapes cannot be multiplied (8x2048 and 1568x10)", error.Message);
            var inner = Assert.IsType<ExternalException>(error.InnerException);
            Assert.StartsWith("mat1 and mat2 shapes cannot be multiplied (8x2048 and 1568x10)", inner.Message);
            Assert.Contains("Exception raised from ", inner.Message);
        }
    }

    [Theory]
    [InlineData("bad shape\nException raised from meta at aten/src/ATen/native/LinearAlgebra.cpp:191 (most recent call first):\nframe #0: c10::Error::Error() + 0x9c", "bad shape")]
    [InlineData("bad shape \r\nframe #0: c10::Error::Error() + 0x9c\nframe #1: at::meta()", "bad shape")]
    [InlineData("two lines\nof message", "two lines\nof message")]
    [InlineData("", "")]
    public void TheBacktraceIsCutWhereItBegins(string message, string expected) =>
        Assert.Equal(expected, LibTorchMessages.WithoutBacktrace(message));
}
