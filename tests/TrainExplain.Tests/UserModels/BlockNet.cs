using TorchSharp.Modules;

namespace TrainExplain.Tests.UserModels;

/// <summary>
/// A user's <c>Module</c> subclass with nested blocks and BatchNorm, written as TorchSharp's samples write them: fields
/// registered by <c>RegisterComponents</c>, children run through <c>.call()</c>. Layers are named by PyTorch's dotted
/// names: block1.conv, block1.bn, block2.conv, head, ...
/// </summary>
internal sealed class BlockNet : nn.Module<Tensor, Tensor>
{
    private readonly ConvBlock block1;
    private readonly ConvBlock block2;
    private readonly AdaptiveAvgPool2d pool;
    private readonly Flatten flatten;
    private readonly Linear head;

    public BlockNet() : base(nameof(BlockNet))
    {
        block1 = new ConvBlock(1, 4);
        block2 = new ConvBlock(4, 6);
        pool = nn.AdaptiveAvgPool2d(1);
        flatten = nn.Flatten();
        head = nn.Linear(6, UserModelZoo.Classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var features = block2.call(block1.call(input));
        using var pooled = pool.call(features);
        using var flat = flatten.call(pooled);
        return head.call(flat);
    }
}
