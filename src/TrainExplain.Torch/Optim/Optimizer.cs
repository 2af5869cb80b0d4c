namespace TrainExplain.Torch.Optim;

/// <summary>
/// Updates parameters from their gradients, as <c>torch.optim.Optimizer</c>. State tensors (momentum buffers, moments)
/// belong to no dispose scope and are freed by <see cref="Dispose"/>.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<Tensor> state = [];

    /// <summary>Takes the parameters to update.</summary>
    /// <exception cref="ArgumentException">There are none, or one does not require grad.</exception>
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = [.. parameters];
        if (Parameters.Count == 0)
        {
            throw new ArgumentException("An optimizer needs at least one parameter.", nameof(parameters));
        }
        if (Parameters.FirstOrDefault(p => !p.requires_grad) is { } frozen)
        {
            throw new ArgumentException($"Parameter {frozen} does not require grad.", nameof(parameters));
        }
        LearningRate = learningRate;
    }

    /// <summary>The parameters being optimized.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The learning rate; schedulers and callbacks may change it between steps.</summary>
    public double LearningRate
    {
        get;
        set => field = value is >= 0 and < double.PositiveInfinity ? value : throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "The learning rate must be zero or positive, and finite (as in PyTorch).");
    }

    /// <summary>Clears every parameter's gradient (sets it to none, as PyTorch's default set_to_none).</summary>
    public void zero_grad()
    {
        foreach (var parameter in Parameters)
        {
            parameter.grad = null;
        }
    }

    /// <summary>Applies one update from the current gradients; parameters without a gradient are skipped.</summary>
    public void step()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        for (var i = 0; i < Parameters.Count; i++)
        {
            if (Parameters[i].grad is { } gradient)
            {
                Update(i, Parameters[i], gradient);
            }
        }
    }

    /// <summary>Updates parameter <paramref name="index"/> in place (called under no_grad inside a dispose scope).</summary>
    protected abstract void Update(int index, Tensor parameter, Tensor gradient);

    /// <summary>Makes a zero state tensor shaped like <paramref name="like"/>, owned by the optimizer.</summary>
    protected Tensor NewState(Tensor like)
    {
        var tensor = torch.zeros_like(like).DetachFromDisposeScope();
        state.Add(tensor);
        return tensor;
    }

    /// <summary>Frees the optimizer's state.</summary>
    public void Dispose()
    {
        state.ForEach(t => t.Dispose());
        state.Clear();
        GC.SuppressFinalize(this);
    }
}
