namespace TrainExplain.Torch.Modules;

/// <summary>A criterion comparing a prediction with a target, as PyTorch's loss modules.</summary>
public abstract class Loss(Reduction reduction) : IDisposable
{
    /// <summary>How the per-element losses are reduced.</summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/>.</summary>
    public abstract Tensor call(Tensor input, Tensor target);

    /// <summary>Losses hold no native state; disposing is allowed for symmetry with modules.</summary>
    public void Dispose() => GC.SuppressFinalize(this);
}
