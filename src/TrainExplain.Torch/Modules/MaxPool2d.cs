namespace TrainExplain.Torch.Modules;

/// <summary>Max pooling over square windows, as <c>torch.nn.MaxPool2d</c>.</summary>
public sealed class MaxPool2d(long kernel_size, long? stride = null, long padding = 0) : Module
{
    /// <summary>Window side.</summary>
    public long KernelSize { get; } = kernel_size > 0 ? kernel_size : throw new ArgumentOutOfRangeException(nameof(kernel_size), kernel_size, "The kernel size must be positive.");

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => torch.nn.functional.max_pool2d(input, KernelSize, stride, padding);
}
