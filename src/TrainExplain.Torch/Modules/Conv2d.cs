namespace TrainExplain.Torch.Modules;

/// <summary>2-D convolution with square kernels, as <c>torch.nn.Conv2d</c>, with PyTorch's default initialization.</summary>
public sealed class Conv2d : Module
{
    /// <summary>Creates the layer; weight and bias are U(-1/sqrt(fan_in), 1/sqrt(fan_in)) as in PyTorch.</summary>
    public Conv2d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0, long dilation = 1,
        long groups = 1, bool bias = true, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(in_channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(out_channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernel_size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        if (in_channels % groups != 0 || out_channels % groups != 0)
        {
            throw new ArgumentException($"Conv2d channels ({in_channels} in, {out_channels} out) must be divisible by groups ({groups}).");
        }
        (InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, Groups) = (in_channels, out_channels, kernel_size, stride, padding, dilation, groups);
        var fanIn = in_channels / groups * kernel_size * kernel_size;
        register_parameter("weight", Init.Uniform([out_channels, in_channels / groups, kernel_size, kernel_size], fanIn, device));
        register_parameter("bias", bias ? Init.Uniform([out_channels], fanIn, device) : null);
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }
    /// <summary>Output channels.</summary>
    public long OutChannels { get; }
    /// <summary>Kernel side.</summary>
    public long KernelSize { get; }
    /// <summary>Stride.</summary>
    public long Stride { get; }
    /// <summary>Zero padding on each side.</summary>
    public long Padding { get; }
    /// <summary>Kernel dilation.</summary>
    public long Dilation { get; }
    /// <summary>Channel groups.</summary>
    public long Groups { get; }

    /// <summary>[out, in/groups, k, k].</summary>
    public Tensor weight => GetParameter("weight")!;

    /// <summary>[out], or null without bias.</summary>
    public Tensor? bias => GetParameter("bias");

    /// <inheritdoc />
    public override Tensor forward(Tensor input) =>
        torch.nn.functional.conv2d(input, weight, bias, Stride, Padding, Dilation, Groups);
}
