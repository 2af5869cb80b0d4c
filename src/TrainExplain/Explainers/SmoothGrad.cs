
namespace TrainExplain.Explainers;

/// <summary>
/// SmoothGrad, raw = (1/n) sum_i dS_c/dx at (x + e_i), e_i ~ Normal(0, sigma^2), sigma = noise * (max(x_j) - min(x_j))
/// per image (Smilkov et al. 2017, "SmoothGrad: removing noise by adding noise"). The n noisy copies of all images go
/// through the model in chunks of the internal batch size; the noise comes from a private generator seeded with
/// <c>seed</c>, drawn as one [n, N, C, H, W] sample. Heatmap: channel reduction, percentile. Cost: n passes.
/// Subclasses only say how the n gradients are combined.
/// </summary>
public class SmoothGrad : Explainer
{
    /// <summary>Creates the explainer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="samples">n, the noisy copies per image.</param>
    /// <param name="noise">The noise level as a fraction of each image's value range.</param>
    /// <param name="seed">Seed of the noise.</param>
    /// <param name="score">What S_c is.</param>
    /// <param name="internalBatchSize">The most images per pass.</param>
    public SmoothGrad(nn.Module<Tensor, Tensor> model, int samples = 20, double noise = 0.15, long seed = 0, ScoreKind score = ScoreKind.Logit, int internalBatchSize = 256)
        : base(model, score, internalBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
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

    /// <summary>Combines the gradients [n, N, C, H, W] into raw [N, C, H, W]: their mean.</summary>
    /// <remarks>Dimensions are written as long arrays: TorchSharp binds a literal 0 to its dtype overloads.</remarks>
    protected virtual Tensor Combine(Tensor gradients) => gradients.mean([0L]);

    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var x = context.X;
        var n = context.Count;
        var flat = x.flatten(1);
        var sigma = ((flat.amax([1]) - flat.amin([1])) * Noise).view(1, n, 1, 1, 1);
        using var generator = new torch.Generator(unchecked((ulong)Seed), x.device);
        var noise = torch.randn([Samples, .. x.shape], x.dtype, x.device, generator: generator) * sigma;
        var points = (x.unsqueeze(0) + noise).flatten(0, 1);
        var classes = context.Classes.repeat(Samples);
        var gradients = context.Chunks(points.size(0))
            .Select(c => context.Gradients(points.narrow(0, c.Start, c.Length), _ => classes.narrow(0, c.Start, c.Length)).InputGradient)
            .ToList();
        var raw = Combine(torch.cat(gradients).view([Samples, .. x.shape]));
        return context.Attribution(Name, raw, Heatmaps.ChannelReduction(raw), Heatmaps.Percentile, Samples);
    }

    /// <inheritdoc />
    protected override IEnumerable<(string, string)> DescribeParameters() =>
        base.DescribeParameters().Concat([("samples", Text(Samples)), ("noise", Text(Noise)), ("seed", Text(Seed))]);
}
