using TrainExplain.Torch.Modules;

namespace TrainExplain.Torch.Tests.Support;

/// <summary>Small models shared by the module, state-dict, interop and training tests.</summary>
internal static class TestModels
{
    /// <summary>The input shape of <see cref="NamedConvNet"/>: [2, 2, 4, 4].</summary>
    public static readonly long[] ConvNetInput = [2, 2, 4, 4];

    /// <summary>
    /// features = (conv: Conv2d(2, 3, 3, padding 1), bn: BatchNorm2d(3), relu, pool: MaxPool2d(2)), flatten,
    /// classifier: Linear(12, 4); in Python the same is
    /// <c>nn.Sequential(OrderedDict(features=nn.Sequential(OrderedDict(conv=..., bn=..., relu=..., pool=...)), flatten=..., classifier=...))</c>.
    /// </summary>
    public static Sequential NamedConvNet() => torch.nn.Sequential(
        ("features", torch.nn.Sequential(
            ("conv", torch.nn.Conv2d(2, 3, 3, padding: 1)),
            ("bn", torch.nn.BatchNorm2d(3)),
            ("relu", torch.nn.ReLU()),
            ("pool", torch.nn.MaxPool2d(2)))),
        ("flatten", torch.nn.Flatten()),
        ("classifier", torch.nn.Linear(12, 4)));

    /// <summary>The PyTorch constructor of <see cref="NamedConvNet"/>, as Python source defining <c>make_net()</c>.</summary>
    public const string NamedConvNetPython = """
        from collections import OrderedDict
        from torch import nn
        def make_net():
            return nn.Sequential(OrderedDict(
                features=nn.Sequential(OrderedDict(conv=nn.Conv2d(2, 3, 3, padding=1), bn=nn.BatchNorm2d(3), relu=nn.ReLU(), pool=nn.MaxPool2d(2))),
                flatten=nn.Flatten(),
                classifier=nn.Linear(12, 4)))

        """;
}
