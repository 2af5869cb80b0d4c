
namespace TrainExplain.Explainers;

/// <summary>
/// Integrated gradients, raw = (x - x') * sum_k w_k dS_c/dx at (x' + a_k (x - x')) (Sundararajan, Taly and Yan 2017,
/// "Axiomatic Attribution for Deep Networks"). All m points of all images go through the model in chunks of the
/// internal batch size B, each chunk's points made when it runs, so memory follows B (Captum's batching). Heatmap:
/// channel reduction, percentile. Cost: m forward+backward passes, and the one forward at the inputs that finds the
/// targets and S(x). The completeness error delta = sum(raw) - (S(x) - S(x')) per image costs no pass where the path
/// has a point at the baseline (riemann_left, riemann_trapezoid: S(x') is that point's score) and is then always
/// given; for the other rules it needs one forward at the baseline, made only with <see cref="ComputeDelta"/>
/// (Captum's <c>return_convergence_delta</c>).
/// </summary>
public sealed class IntegratedGradients : Explainer
{
    /// <summary>
    /// The most points m: each costs one forward and backward pass per image, so a million is hours of work already, and
    /// the points and weights (16 bytes each) stay a few megabytes.
    /// </summary>
    public const int MaxSteps = 1_000_000;

    private readonly Tensor? baseline;

    /// <summary>The index k with a_k = 0, or -1.</summary>
    private readonly int baselineStep;

    /// <summary>Creates the explainer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="steps">m, the number of points on the path, 1 (2 for the trapezoid rule) to <see cref="MaxSteps"/>.</param>
    /// <param name="rule">The quadrature rule.</param>
    /// <param name="baseline">x', broadcastable to the inputs (default zeros); read at each call, not owned.</param>
    /// <param name="score">What S_c is.</param>
    /// <param name="internalBatchSize">The most images per pass.</param>
    public IntegratedGradients(nn.Module<Tensor, Tensor> model, int steps = 50, IntegrationRule rule = IntegrationRule.GaussLegendre, Tensor? baseline = null,
        ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize) : base(model, score, internalBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(steps, MaxSteps);
        var (points, weights) = Quadrature.For(rule, steps);
        (Points, Weights, baselineStep) = (points, weights, Array.IndexOf(points, 0.0));
        (Steps, Rule, this.baseline) = (steps, rule, baseline);
    }

    /// <summary>m.</summary>
    public int Steps { get; }

    /// <summary>The quadrature rule.</summary>
    public IntegrationRule Rule { get; }

    /// <summary>The points a_k.</summary>
    public IReadOnlyList<double> Points { get; }

    /// <summary>The weights w_k.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>
    /// Whether to give the completeness error <see cref="Attribution.Delta"/> even where it costs one forward pass at
    /// the baseline (rules without a point at 0: gauss_legendre, riemann_middle, riemann_right); default false. Where the
    /// path has a point at the baseline, delta is free and always given.
    /// </summary>
    public bool ComputeDelta { get; init; }

    /// <summary>Whether the path has a point at the baseline (a_k = 0), whose score is S(x'): then delta costs no pass and is always given.</summary>
    public bool DeltaIsFree => baselineStep >= 0;

    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var x = context.Inputs;
        var n = context.Count;
        var reference = (baseline is null ? torch.zeros_like(x) : baseline.to(x.dtype, x.device)).expand(x.shape).contiguous();
        var difference = x - reference;
        var alphas = torch.tensor(Points.ToArray(), device: x.device).to(x.dtype);
        var weights = torch.tensor(Weights.ToArray(), device: x.device).to(x.dtype);
        var classes = context.Classes;
        var integral = torch.zeros_like(x);
        // The items of the point at the baseline, if any: their scores are S(x').
        var (baselineFirst, baselineEnd) = ((long)baselineStep * n, ((long)baselineStep + 1) * n);
        var baselineScores = DeltaIsFree ? torch.zeros_like(context.Scores) : null;
        // Items are step-major: item i is point i / N on the path of image i % N, made when its chunk runs.
        foreach (var (start, length) in context.Chunks(Steps * n))
        {
            using var chunk = torch.NewDisposeScope();
            var items = torch.arange(start, start + length, device: x.device);
            var (step, image) = (items.div(n, rounding_mode: RoundingMode.floor), items.remainder(n));
            var alpha = alphas.index_select(0, step).view(-1, 1, 1, 1);
            var points = reference.index_select(0, image) + (alpha * difference.index_select(0, image));
            var (gradient, scores) = context.InputGradientAndScores(points, classes.index_select(0, image));
            integral.index_add_(0, image, gradient * weights.index_select(0, step).view(-1, 1, 1, 1), 1);
            var (from, to) = (Math.Max(start, baselineFirst), Math.Min(start + length, baselineEnd));
            if (baselineScores is not null && from < to)
            {
                baselineScores.narrow(0, from - baselineFirst, to - from).copy_(scores.narrow(0, from - start, to - from));
            }
        }
        var raw = difference * integral;
        if (baselineScores is null && ComputeDelta)
        {
            baselineScores = context.ScoresOf(reference, classes);
        }
        var delta = baselineScores is null ? null : raw.flatten(1).sum(1) - (context.Scores - baselineScores);
        return context.Attribution(raw, Heatmaps.ChannelReduction(raw), Normalization.Percentile, Steps, delta: delta);
    }

    /// <inheritdoc />
    protected internal override IEnumerable<(string Name, string Value)> DescribeParameters() =>
        base.DescribeParameters().Concat([("steps", Text(Steps)), ("rule", Rule.ToString()), ("baseline", baseline is null ? "zeros" : "tensor")]);
}
