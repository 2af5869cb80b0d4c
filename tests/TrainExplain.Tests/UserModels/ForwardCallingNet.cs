using TorchSharp.Modules;

namespace TrainExplain.Tests.UserModels;

/// <summary>A model that runs its convolution with <c>.forward()</c> instead of <c>.call()</c>, so no hook on it ever fires.</summary>
internal sealed class ForwardCallingNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly ReLU relu;
    private readonly AdaptiveAvgPool2d pool;
    private readonly Flatten flatten;
    private readonly Linear fc;

    public ForwardCallingNet() : base(nameof(ForwardCallingNet))
    {
        conv = nn.Conv2d(1, 4, 3, padding: 1);
        relu = nn.ReLU();
        pool = nn.AdaptiveAvgPool2d(1);
        flatten = nn.Flatten();
        fc = nn.Linear(4, UserModelZoo.Classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return fc.call(flatten.call(pool.call(relu.call(conv.forward(input))))).MoveToOuterDisposeScope();
    }
}
