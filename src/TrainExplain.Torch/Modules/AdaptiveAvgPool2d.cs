namespace TrainExplain.Torch.Modules;

/// <summary>Average pooling to a fixed output of height x width whatever the input size, as <c>torch.nn.AdaptiveAvgPool2d</c>.</summary>
public sealed class AdaptiveAvgPool2d : Module
{
    /// <summary>Creates the layer for an output of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public AdaptiveAvgPool2d(long height, long width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        (Height, Width) = (height, width);
    }

    /// <summary>Output height.</summary>
    public long Height { get; }
    /// <summary>Output width.</summary>
    public long Width { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => torch.nn.functional.adaptive_avg_pool2d(input, Height, Width);
}
