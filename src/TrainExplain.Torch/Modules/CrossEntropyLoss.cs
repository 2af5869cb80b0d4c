namespace TrainExplain.Torch.Modules;

/// <summary>Cross-entropy of logits [N, K] against int64 class indices [N], as <c>torch.nn.CrossEntropyLoss</c>.</summary>
public sealed class CrossEntropyLoss(Reduction reduction = Reduction.Mean, double label_smoothing = 0) : Loss(reduction)
{
    /// <inheritdoc />
    public override Tensor call(Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (target.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"CrossEntropyLoss needs int64 class indices as target, got {target.dtype}.", nameof(target));
        }
        return torch.nn.functional.cross_entropy(input, target, reduction: Reduction, label_smoothing: label_smoothing);
    }
}
