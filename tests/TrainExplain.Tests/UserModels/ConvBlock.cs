using TorchSharp.Modules;

namespace TrainExplain.Tests.UserModels;

/// <summary>A user's building block: Conv2d (padding 1) -> BatchNorm2d -> ReLU, its children run through <c>.call()</c>.</summary>
internal sealed class ConvBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;
    private readonly ReLU relu;

    public ConvBlock(long inputChannels, long outputChannels) : base(nameof(ConvBlock))
    {
        conv = nn.Conv2d(inputChannels, outputChannels, 3, padding: 1);
        bn = nn.BatchNorm2d(outputChannels);
        relu = nn.ReLU();
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => relu.call(bn.call(conv.call(input)));
}
