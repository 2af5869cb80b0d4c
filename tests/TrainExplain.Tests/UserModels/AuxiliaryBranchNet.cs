using TorchSharp.Modules;

namespace TrainExplain.Tests.UserModels;

/// <summary>
/// conv -> ReLU -> pool -> fc, with a biased 1x1 convolution "aux" run on the features and thrown away: a layer that
/// runs in every forward pass but does not influence the logits, so its gradient is undefined in autograd.
/// </summary>
internal sealed class AuxiliaryBranchNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly ReLU relu;
    private readonly Conv2d aux;
    private readonly AdaptiveAvgPool2d pool;
    private readonly Flatten flatten;
    private readonly Linear fc;

    public AuxiliaryBranchNet() : base(nameof(AuxiliaryBranchNet))
    {
        conv = nn.Conv2d(1, 4, 3, padding: 1);
        relu = nn.ReLU();
        aux = nn.Conv2d(4, 2, 1);
        pool = nn.AdaptiveAvgPool2d(1);
        flatten = nn.Flatten();
        fc = nn.Linear(4, UserModelZoo.Classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var features = relu.call(conv.call(input));
        aux.call(features);
        return fc.call(flatten.call(pool.call(features))).MoveToOuterDisposeScope();
    }
}
