namespace TrainExplain.Explainers;

/// <summary>
/// The identity forward whose backward passes on only the positive part of the gradient, max(g, 0): placed on a ReLU's
/// output, the ReLU's own backward then masks by its input's sign, which together is guided backpropagation's rule
/// (Springenberg et al. 2015). A TorchSharp custom autograd function, so the rule is part of the graph the ordinary
/// backward pass runs.
/// </summary>
internal sealed class PositiveGradient : torch.autograd.SingleTensorFunction<PositiveGradient>
{
    /// <inheritdoc />
    public override string Name => nameof(PositiveGradient);

    /// <summary>A copy of the tensor: custom functions must return new tensors, not their inputs.</summary>
    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars) => ((Tensor)vars[0]).clone();

    /// <summary>max(g, 0).</summary>
    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output) => [grad_output.clamp_min(0)];
}
