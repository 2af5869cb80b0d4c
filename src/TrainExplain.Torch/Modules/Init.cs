namespace TrainExplain.Torch.Modules;

/// <summary>PyTorch's default layer initialization.</summary>
internal static class Init
{
    /// <summary>
    /// U(-1/sqrt(fan_in), 1/sqrt(fan_in)): kaiming_uniform_(a = sqrt(5)) for weights and the bias rule of Conv2d and
    /// Linear reduce to this same bound.
    /// </summary>
    internal static Tensor Uniform(ReadOnlySpan<long> shape, long fanIn, Device? device)
    {
        var bound = 1.0 / Math.Sqrt(fanIn);
        using var scope = torch.NewDisposeScope();
        using var unit = torch.rand(shape, device: device);
        return (unit * (2 * bound) - bound).MoveToOuterDisposeScope();
    }
}
