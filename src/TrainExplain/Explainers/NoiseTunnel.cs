namespace TrainExplain.Explainers;

/// <summary>
/// A noise tunnel (Captum's <c>NoiseTunnel</c>): any attribution method over n noisy copies of each image, its maps
/// combined as SmoothGrad (the mean; Smilkov et al. 2017, "SmoothGrad: removing noise by adding noise"), SmoothGrad²
/// (the mean of squares; Hooker et al. 2019, "A Benchmark for Interpretability Methods in Deep Neural Networks") or
/// VarGrad (the variance; Adebayo et al. 2018, "Local Explanation Methods for Deep Neural Networks Lack Sensitivity to
/// Parameter Values"). Copy i of image j is x_j + e_ij, e_ij ~ Normal(0, sigma_j^2), sigma_j = noise * (max(x_j) -
/// min(x_j)); sample i's noise [N, C, H, W] comes from a CPU generator seeded with seed + i * 0x9E3779B97F4A7C15
/// (mod 2^64), so results depend neither on B nor on the device. Every copy is explained for the target of its clean
/// image, found once on the clean inputs and fixed for all copies (as Captum passes the target through), and S_c(x)
/// reported is the clean image's. The copies go to the wrapped method in calls of at most B copies (B its internal
/// batch size), each call's copies made when it runs; the wrapped method chunks its own passes by B. Aggregated: the
/// raw maps, the layer-resolution maps (CAMs), and for SmoothGrad the completeness errors (integrated gradients: the
/// mean delta). The saliency is the wrapped method's saliency of the aggregated raw map
/// (<see cref="Explainer.SaliencyOf"/>), normalized as the wrapped method normalizes. Cost: n times the wrapped
/// method's passes.
/// </summary>
public class NoiseTunnel : Explainer
{
    /// <summary>The most samples n: each costs the wrapped method's passes, so a million is hours of work already.</summary>
    public const int MaxSamples = 1_000_000;

    /// <summary>Creates the noise tunnel.</summary>
    /// <param name="inner">The wrapped attribution method; the tunnel explains its model with its score and internal batch size.</param>
    /// <param name="aggregation">How the copies' maps combine.</param>
    /// <param name="samples">n, the noisy copies per image, 1 to <see cref="MaxSamples"/>.</param>
    /// <param name="noise">The noise level as a fraction of each image's value range.</param>
    /// <param name="seed">Seed of the noise.</param>
    public NoiseTunnel(Explainer inner, NoiseAggregation aggregation = NoiseAggregation.SmoothGrad, int samples = 20, double noise = 0.15, long seed = 0)
        : base((inner ?? throw new ArgumentNullException(nameof(inner))).Model, inner.Score, inner.InternalBatchSize)
    {
        if (!Enum.IsDefined(aggregation))
        {
            throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, $"Expected one of {string.Join(", ", Enum.GetNames<NoiseAggregation>())}.");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(samples, MaxSamples);
        if (noise is < 0 or double.NaN or double.PositiveInfinity)
        {
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "The noise level must be a finite number >= 0.");
        }
        (Inner, Aggregation, Samples, Noise, Seed) = (inner, aggregation, samples, noise, seed);
    }

    /// <summary>The wrapped method.</summary>
    public Explainer Inner { get; }

    /// <summary>How the copies' maps combine.</summary>
    public NoiseAggregation Aggregation { get; }

    /// <summary>n, the noisy copies per image.</summary>
    public int Samples { get; }

    /// <summary>The noise level.</summary>
    public double Noise { get; }

    /// <summary>Seed of the noise.</summary>
    public long Seed { get; }

    /// <summary>The aggregation and the wrapped method's name, e.g. <c>SmoothGrad(IntegratedGradients)</c>; a named subclass (<see cref="SmoothGrad"/>) goes by its own name.</summary>
    protected override string DefaultName => GetType() == typeof(NoiseTunnel) ? $"{Aggregation}({Inner.Name})" : base.DefaultName;

    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var x = context.Inputs;
        var n = context.Count;
        var flat = x.flatten(1);
        var sigma = ((flat.amax([1]) - flat.amin([1])) * Noise).view(n, 1, 1, 1);
        // A level such as 1e40 makes sigma infinite in float32, every copy infinite and every map NaN: say so instead.
        if (!sigma.isfinite().all().item<bool>())
        {
            throw new ArgumentOutOfRangeException("noise", Noise, "The noise level times an image's value range overflows float32; give a smaller noise level.");
        }
        var classes = context.Classes;
        // Resolved once, not per call (finding a CAM's default layer runs a probe forward).
        var request = Inner.SharedPassRequest(x);
        using var sums = new NoiseSums(n, squares: Aggregation != NoiseAggregation.SmoothGrad);
        using var noise = new SmoothGradNoise(Seed, x);
        // Items are sample-major: item i is sample i / N of image i % N.
        foreach (var (start, length) in context.Chunks(Samples * n))
        {
            using var chunk = torch.NewDisposeScope();
            var image = torch.arange(start, start + length, device: x.device).remainder(n);
            var copies = x.index_select(0, image) + (noise.Items(start, length) * sigma.index_select(0, image));
            var targets = context.Targets.IsOutputFunction ? context.Targets : Targets.Labels(classes.index_select(0, image));
            Inner.ComputeMaps(copies, targets, request, maps => sums.Add(image, maps));
        }
        var raw = sums.Raw(Aggregation, Samples);
        var delta = Aggregation == NoiseAggregation.SmoothGrad ? sums.MeanDelta(Samples) : null;
        return context.Attribution(raw, SaliencyOf(raw), sums.Normalize!, checked(Samples * sums.Passes), sums.LayerMap(Aggregation, Samples), delta);
    }

    /// <summary>The wrapped method's layers.</summary>
    internal override void ResolveLayers(Tensor probe) => Inner.ResolveLayers(probe);

    /// <summary>The wrapped method's saliency.</summary>
    protected internal override Tensor SaliencyOf(Tensor raw) => Inner.SaliencyOf(raw);

    /// <summary>The wrapped method's parameters, then the samples, noise and seed.</summary>
    protected internal override IEnumerable<(string Name, string Value)> DescribeParameters(ExplainContext context) =>
        Inner.DescribeParameters(context).Concat([("samples", Text(Samples)), ("noise", Text(Noise)), ("seed", Text(Seed))]);
}
