namespace TrainExplain.Torch.Modules;

/// <summary>y = x W^T + b, as <c>torch.nn.Linear</c>, with PyTorch's default initialization.</summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer; weight and bias are U(-1/sqrt(in), 1/sqrt(in)) as in PyTorch.</summary>
    public Linear(long in_features, long out_features, bool bias = true, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(in_features);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(out_features);
        (InFeatures, OutFeatures) = (in_features, out_features);
        register_parameter("weight", Init.Uniform([out_features, in_features], in_features, device));
        register_parameter("bias", bias ? Init.Uniform([out_features], in_features, device) : null);
    }

    /// <summary>Input features.</summary>
    public long InFeatures { get; }
    /// <summary>Output features.</summary>
    public long OutFeatures { get; }

    /// <summary>[out, in].</summary>
    public Tensor weight => GetParameter("weight")!;

    /// <summary>[out], or null without bias.</summary>
    public Tensor? bias => GetParameter("bias");

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => torch.nn.functional.linear(input, weight, bias);
}
