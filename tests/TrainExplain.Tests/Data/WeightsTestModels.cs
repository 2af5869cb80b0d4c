using TorchSharp.Modules;

namespace TrainExplain.Tests.Data;

/// <summary>Variants of <see cref="UserModels.UserModelZoo.NamedSequential"/> for weights that fit and weights that do not.</summary>
internal static class WeightsTestModels
{
    /// <summary>
    /// The named Sequential with a first convolution of <paramref name="width"/> channels (4 is the twin of PyTorch's
    /// model), without its classifier "fc" when <paramref name="head"/> is false, with an extra "fc2" when <paramref name="extra"/>.
    /// </summary>
    internal static Sequential Net(int width = 4, bool head = true, bool extra = false, long seed = 1)
    {
        torch.manual_seed(seed);
        var model = nn.Sequential(
            ("conv1", nn.Conv2d(1, width, 3, padding: 1)), ("bn1", nn.BatchNorm2d(width)), ("relu1", nn.ReLU()),
            ("conv2", nn.Conv2d(width, 6, 3, padding: 1)), ("relu2", nn.ReLU()),
            ("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()));
        if (head)
        {
            model.append("fc", nn.Linear(6, 3));
        }
        if (extra)
        {
            model.append("fc2", nn.Linear(3, 3));
        }
        return model;
    }
}
