namespace TrainExplain.Torch.Modules;

/// <summary>Average pooling over square windows, as <c>torch.nn.AvgPool2d</c> (padding counts as zeros in the average).</summary>
public sealed class AvgPool2d(long kernel_size, long? stride = null, long padding = 0) : Module
{
    /// <summary>Window side.</summary>
    public long KernelSize { get; } = kernel_size > 0 ? kernel_size : throw new ArgumentOutOfRangeException(nameof(kernel_size), kernel_size, "The kernel size must be positive.");

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => torch.nn.functional.avg_pool2d(input, KernelSize, stride, padding);
}
