namespace TrainExplain.Torch.Optim;

/// <summary>
/// Stochastic gradient descent with PyTorch's rule: d = g + wd p; b = m b + (1 - dampening) d (b = d at the first
/// step); d = d + m b with Nesterov, else d = b; p = p - lr d. Nesterov momentum: Sutskever et al. 2013.
/// </summary>
public sealed class SGD : Optimizer
{
    private readonly Tensor?[] buffers;

    /// <summary>Creates the optimizer.</summary>
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false)
        : base(parameters, lr)
    {
        if (momentum < 0 || weight_decay < 0 || dampening is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), $"SGD needs momentum >= 0, weight_decay >= 0 and dampening in [0, 1]; got {momentum}, {weight_decay}, {dampening}.");
        }
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum needs momentum > 0 and zero dampening.", nameof(nesterov));
        }
        (Momentum, Dampening, WeightDecay, Nesterov) = (momentum, dampening, weight_decay, nesterov);
        buffers = new Tensor?[Parameters.Count];
    }

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }
    /// <summary>Dampening of the momentum.</summary>
    public double Dampening { get; }
    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }
    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    protected override void Update(int index, Tensor parameter, Tensor gradient)
    {
        var direction = WeightDecay != 0 ? gradient.add(parameter, WeightDecay) : gradient;
        if (Momentum != 0)
        {
            if (buffers[index] is not { } buffer)
            {
                buffers[index] = NewState(parameter).copy_(direction);
                buffer = buffers[index]!;
            }
            else
            {
                buffer.mul_(Momentum).add_(direction, 1 - Dampening);
            }
            direction = Nesterov ? direction.add(buffer, Momentum) : buffer;
        }
        parameter.sub_(direction, LearningRate);
    }
}
