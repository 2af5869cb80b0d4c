namespace TrainExplain.Torch.Optim;

/// <summary>
/// Adam (Kingma and Ba 2015) with PyTorch's rule, including L2 weight decay added to the gradient and the AMSGrad
/// variant (Reddi et al. 2018): m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p = p - lr / (1 - b1^t) m /
/// (sqrt(v') / sqrt(1 - b2^t) + eps), with v' = max of all v so far under AMSGrad, else v.
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly (Tensor m, Tensor v, Tensor? vMax)?[] moments;
    private readonly long[] steps;

    /// <summary>Creates the optimizer.</summary>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0, bool amsgrad = false) : base(parameters, lr)
    {
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1 || eps < 0 || weight_decay < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), $"Adam needs betas in [0, 1), eps >= 0 and weight_decay >= 0; got ({beta1}, {beta2}), {eps}, {weight_decay}.");
        }
        (Beta1, Beta2, Eps, WeightDecay, AmsGrad) = (beta1, beta2, eps, weight_decay, amsgrad);
        moments = new (Tensor, Tensor, Tensor?)?[Parameters.Count];
        steps = new long[Parameters.Count];
    }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }
    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }
    /// <summary>Added to the denominator for stability.</summary>
    public double Eps { get; }
    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }
    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool AmsGrad { get; }

    /// <inheritdoc />
    protected override void Update(int index, Tensor parameter, Tensor gradient)
    {
        var (m, v, vMax) = moments[index] ??= (NewState(parameter), NewState(parameter), AmsGrad ? NewState(parameter) : null);
        var step = ++steps[index];
        var g = WeightDecay != 0 ? gradient.add(parameter, WeightDecay) : gradient;
        m.mul_(Beta1).add_(g, 1 - Beta1);
        v.mul_(Beta2).addcmul_(g, g, 1 - Beta2);
        var secondMoment = v;
        if (vMax is not null)
        {
            vMax.maximum_(v);
            secondMoment = vMax;
        }
        var biasCorrection1 = 1 - Math.Pow(Beta1, step);
        var biasCorrection2 = 1 - Math.Pow(Beta2, step);
        var denominator = (secondMoment.sqrt() / Math.Sqrt(biasCorrection2)).add_(Eps);
        parameter.addcdiv_(m, denominator, -LearningRate / biasCorrection1);
    }
}
