namespace TrainExplain.Torch.Modules;

/// <summary>max(x, 0), as <c>torch.nn.ReLU</c>.</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => input.relu();
}
