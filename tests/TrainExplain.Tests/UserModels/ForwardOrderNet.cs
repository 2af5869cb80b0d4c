using TorchSharp.Modules;

namespace TrainExplain.Tests.UserModels;

/// <summary>
/// A model whose <c>named_modules()</c> order is not its forward order: that list gives the root's children first
/// (features, refine, ...) and the grandchildren after (features.conv, features.bn), so its last Conv2d is features.conv, while the
/// forward runs features.conv first and refine last.
/// </summary>
internal sealed class ForwardOrderNet : nn.Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Conv2d refine;
    private readonly ReLU relu;
    private readonly AdaptiveAvgPool2d pool;
    private readonly Flatten flatten;
    private readonly Linear fc;

    public ForwardOrderNet() : base(nameof(ForwardOrderNet))
    {
        features = nn.Sequential(("conv", nn.Conv2d(1, 4, 3, padding: 1)), ("bn", nn.BatchNorm2d(4)), ("relu", nn.ReLU()));
        refine = nn.Conv2d(4, 8, 3);
        relu = nn.ReLU();
        pool = nn.AdaptiveAvgPool2d(1);
        flatten = nn.Flatten();
        fc = nn.Linear(8, UserModelZoo.Classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = relu.call(refine.call(features.call(input)));
        return fc.call(flatten.call(pool.call(x))).MoveToOuterDisposeScope();
    }
}
