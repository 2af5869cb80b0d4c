namespace TrainExplain.Torch.Modules;

/// <summary>
/// Batch normalization over the channels of [N, C, H, W], as <c>torch.nn.BatchNorm2d</c> (Ioffe and Szegedy 2015).
/// Training mode normalizes with the batch statistics (biased variance) and updates <c>running_mean</c> and
/// <c>running_var</c> (with the unbiased variance) in place by <c>momentum</c>; eval mode normalizes with the running statistics.
/// </summary>
public sealed class BatchNorm2d : Module
{
    /// <summary>Creates the layer: weight ones, bias zeros, running mean zeros, running variance ones, as in PyTorch.</summary>
    public BatchNorm2d(long num_features, double eps = 1e-5, double momentum = 0.1, bool affine = true, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(num_features);
        if (eps <= 0 || double.IsNaN(eps))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "BatchNorm2d needs a positive eps.");
        }
        if (momentum is < 0 or > 1 || double.IsNaN(momentum))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "BatchNorm2d needs a momentum in [0, 1].");
        }
        (NumFeatures, Eps, Momentum) = (num_features, eps, momentum);
        register_parameter("weight", affine ? torch.ones([num_features], device: device) : null);
        register_parameter("bias", affine ? torch.zeros([num_features], device: device) : null);
        register_buffer("running_mean", torch.zeros([num_features], device: device));
        register_buffer("running_var", torch.ones([num_features], device: device));
        register_buffer("num_batches_tracked", torch.zeros([], ScalarType.Int64, device));
    }

    /// <summary>Channels C.</summary>
    public long NumFeatures { get; }
    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }
    /// <summary>Weight of the newest batch in the running statistics.</summary>
    public double Momentum { get; }

    /// <summary>[C] scale, or null without affine.</summary>
    public Tensor? weight => GetParameter("weight");
    /// <summary>[C] shift, or null without affine.</summary>
    public Tensor? bias => GetParameter("bias");
    /// <summary>[C] running mean of the channels.</summary>
    public Tensor running_mean => GetBuffer("running_mean")!;
    /// <summary>[C] running unbiased variance of the channels.</summary>
    public Tensor running_var => GetBuffer("running_var")!;
    /// <summary>int64 scalar: how many training batches updated the running statistics.</summary>
    public Tensor num_batches_tracked => GetBuffer("num_batches_tracked")!;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.ndim != 4 || input.size(1) != NumFeatures)
        {
            throw new ArgumentException($"BatchNorm2d({NumFeatures}) expects a 4-D input [N, {NumFeatures}, H, W], got shape [{string.Join(", ", input.Shape)}].", nameof(input));
        }
        if (training)
        {
            CountBatch();
        }
        return torch.nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, Momentum, Eps);
    }

    private void CountBatch()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        // A tensor one, not the scalar 1.0: an int64 buffer cannot take a floating-point scalar in place.
        num_batches_tracked.add_(torch.ones_like(num_batches_tracked));
    }
}
