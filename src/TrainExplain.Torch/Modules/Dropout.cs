namespace TrainExplain.Torch.Modules;

/// <summary>Inverted dropout in training mode, identity in eval mode, as <c>torch.nn.Dropout</c>.</summary>
public sealed class Dropout : Module
{
    /// <summary>Creates the layer with drop probability <paramref name="p"/>.</summary>
    public Dropout(double p = 0.5)
    {
        if (p is < 0 or > 1 || double.IsNaN(p))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must lie in [0, 1].");
        }
        P = p;
    }

    /// <summary>The probability of zeroing an element.</summary>
    public double P { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => training ? torch.nn.functional.dropout(input, P, training: true) : input.alias();
}
