
namespace TrainExplain.Explainers;

/// <summary>
/// SmoothGrad, raw = (1/n) sum_i dS_c/dx at (x + e_i), e_i ~ Normal(0, sigma^2), sigma = noise * (max(x_j) - min(x_j))
/// per image (Smilkov et al. 2017, "SmoothGrad: removing noise by adding noise"). The n noisy copies of all images go
/// through the model in chunks of the internal batch size B, each chunk's copies made when it runs, so memory follows B
/// (Captum's batching). Sample i's noise [N, C, H, W] comes from a CPU generator seeded with
/// seed + i * 0x9E3779B97F4A7C15 (mod 2^64), so results depend neither on B nor on the device. Heatmap: channel
/// reduction, percentile. Cost: n passes. Subclasses only say how the gradients' mean and mean square combine.
/// </summary>
public class SmoothGrad : Explainer
{
    /// <summary>The most samples n: each costs one forward and backward pass per image, so a million is hours of work already.</summary>
    public const int MaxSamples = 1_000_000;

    /// <summary>Creates the explainer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="samples">n, the noisy copies per image, 1 to <see cref="MaxSamples"/>.</param>
    /// <param name="noise">The noise level as a fraction of each image's value range.</param>
    /// <param name="seed">Seed of the noise.</param>
    /// <param name="score">What S_c is.</param>
    /// <param name="internalBatchSize">The most images per pass.</param>
    public SmoothGrad(nn.Module<Tensor, Tensor> model, int samples = 20, double noise = 0.15, long seed = 0, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
        : base(model, score, internalBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(samples, MaxSamples);
        if (noise is < 0 or double.NaN or double.PositiveInfinity)
        {
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "The noise level must be a finite number >= 0.");
        }
        (Samples, Noise, Seed) = (samples, noise, seed);
    }

    /// <summary>n, the noisy copies per image.</summary>
    public int Samples { get; }

    /// <summary>The noise level.</summary>
    public double Noise { get; }

    /// <summary>Seed of the noise.</summary>
    public long Seed { get; }

    /// <summary>Combines the per-image mean of the n gradients and the mean of their squares into raw [N, C, H, W]: the mean.</summary>
    protected virtual Tensor Combine(Tensor mean, Tensor meanOfSquares) => mean;

    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var x = context.Inputs;
        var n = context.Count;
        var flat = x.flatten(1);
        var sigma = ((flat.amax([1]) - flat.amin([1])) * Noise).view(n, 1, 1, 1);
        var classes = context.Classes;
        var (sum, sumOfSquares) = (torch.zeros_like(x), torch.zeros_like(x));
        using var noise = new SmoothGradNoise(Seed, x);
        // Items are sample-major: item i is sample i / N of image i % N.
        foreach (var (start, length) in context.Chunks(Samples * n))
        {
            using var chunk = torch.NewDisposeScope();
            var image = torch.arange(start, start + length, device: x.device).remainder(n);
            var points = x.index_select(0, image) + (noise.Items(start, length) * sigma.index_select(0, image));
            var gradient = context.InputGradient(points, classes.index_select(0, image));
            sum.index_add_(0, image, gradient, 1);
            sumOfSquares.index_add_(0, image, gradient.square(), 1);
        }
        var raw = Combine(sum / Samples, sumOfSquares / Samples);
        return context.Attribution(raw, Heatmaps.ChannelReduction(raw), Normalization.Percentile, Samples);
    }

    /// <inheritdoc />
    protected internal override IEnumerable<(string Name, string Value)> DescribeParameters() =>
        base.DescribeParameters().Concat([("samples", Text(Samples)), ("noise", Text(Noise)), ("seed", Text(Seed))]);
}
