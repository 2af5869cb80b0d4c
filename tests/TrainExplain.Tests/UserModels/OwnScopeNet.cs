using TorchSharp.Modules;

namespace TrainExplain.Tests.UserModels;

/// <summary>
/// The layers of <see cref="UserModelZoo.NamedSequential"/>, with the same names, in a forward that opens its own
/// dispose scope and moves only its result out, as TorchSharp's memory guide recommends: every intermediate output,
/// those a forward hook saw included, is freed when the forward returns.
/// </summary>
internal sealed class OwnScopeNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu1;
    private readonly Conv2d conv2;
    private readonly ReLU relu2;
    private readonly AdaptiveAvgPool2d pool;
    private readonly Flatten flatten;
    private readonly Linear fc;

    public OwnScopeNet() : base(nameof(OwnScopeNet))
    {
        conv1 = nn.Conv2d(1, 4, 3, padding: 1);
        bn1 = nn.BatchNorm2d(4);
        relu1 = nn.ReLU();
        conv2 = nn.Conv2d(4, 6, 3, padding: 1);
        relu2 = nn.ReLU();
        pool = nn.AdaptiveAvgPool2d(1);
        flatten = nn.Flatten();
        fc = nn.Linear(6, UserModelZoo.Classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = relu1.call(bn1.call(conv1.call(input)));
        x = relu2.call(conv2.call(x));
        return fc.call(flatten.call(pool.call(x))).MoveToOuterDisposeScope();
    }
}
