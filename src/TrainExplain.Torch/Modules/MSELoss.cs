namespace TrainExplain.Torch.Modules;

/// <summary>Mean squared error, as <c>torch.nn.MSELoss</c>.</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <inheritdoc />
    public override Tensor call(Tensor input, Tensor target) => torch.nn.functional.mse_loss(input, target, Reduction);
}
