namespace TrainExplain.Torch.Modules;

/// <summary>Flattens dimensions start..end (default: all but the batch), as <c>torch.nn.Flatten</c>.</summary>
public sealed class Flatten(long start_dim = 1, long end_dim = -1) : Module
{
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => input.flatten(start_dim, end_dim);
}
