
namespace TrainExplain.Explainers;

/// <summary>
/// Occlusion sensitivity (Zeiler and Fergus 2014, "Visualizing and Understanding Convolutional Networks"): square
/// windows of side p with corners at 0, s, 2s, ... (corner + p within the image, as Captum) are set to a fill value over
/// all channels; d_w = S_c(x) - S_c(occluded by w); each pixel gets the mean d_w of the windows covering it (0 where none
/// do), raw [N, 1, H, W]; heatmap: minmax of ReLU(raw). Every (window, image) copy goes through the model, forward only,
/// in chunks of the internal batch size. Score default: probability. Cost: one forward per window.
/// </summary>
public sealed class OcclusionSensitivity : Explainer
{
    /// <summary>Creates the explainer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="patch">Window side p (default max(1, round(H/7))).</param>
    /// <param name="stride">Stride s (default max(1, p/2)).</param>
    /// <param name="fill">The occluding value v.</param>
    /// <param name="score">What S_c is (default the probability).</param>
    /// <param name="internalBatchSize">The most images per pass.</param>
    public OcclusionSensitivity(nn.Module<Tensor, Tensor> model, int? patch = null, int? stride = null, double fill = 0, ScoreKind score = ScoreKind.Probability,
        int internalBatchSize = ModelMethod.DefaultInternalBatchSize) : base(model, score, internalBatchSize)
    {
        if (patch is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(patch), patch, "The window side must be positive (or null for the default).");
        }
        if (stride is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride must be positive (or null for the default).");
        }
        (Patch, Stride, Fill) = (patch, stride, fill);
    }

    /// <summary>The window side, or null for max(1, round(H/7)).</summary>
    public int? Patch { get; }

    /// <summary>The stride, or null for max(1, p/2).</summary>
    public int? Stride { get; }

    /// <summary>The occluding value.</summary>
    public double Fill { get; }

    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var x = context.Inputs;
        var (n, height, width) = (context.Count, x.size(2), x.size(3));
        var (side, stride) = WindowOf(height);
        if (side > height || side > width)
        {
            throw new ArgumentException($"The occlusion window ({side}) is larger than the {height}x{width} image.");
        }
        var masks = WindowMasks(height, width, side, stride, x);
        var windows = masks.size(0);
        var pairs = windows * n;
        var (scores, classes) = (context.Scores, context.Classes);   // found before the chunk scopes, which must not own them
        var drops = new List<Tensor>();
        foreach (var (start, length) in context.Chunks(pairs))
        {
            // Each chunk frees its occluded copies before the next, so every chunk reuses the same warm memory.
            using var chunk = torch.NewDisposeScope();
            // Pairs are window-major: pair i is window i / N over image i % N.
            var window = masks.index_select(0, Indices(start, length, i => i / n, x.device));
            var image = Indices(start, length, i => i % n, x.device);
            var occluded = (x.index_select(0, image) * (1 - window)) + (window * Fill);
            drops.Add((scores.index_select(0, image) - context.ScoresOf(occluded, classes.index_select(0, image))).MoveToOuterDisposeScope());
        }
        var d = torch.cat(drops).view(windows, n);
        var coverage = masks.view(windows, height * width);
        var count = coverage.sum(dim: 0L);
        var mean = d.transpose(0, 1).matmul(coverage) / torch.where(count > 0, count, torch.ones_like(count));
        var raw = mean.view(n, 1, height, width);
        return context.Attribution(raw, SaliencyOf(raw), Normalization.MinMax, (int)windows);
    }

    /// <summary>ReLU(raw) [N, H, W]: the windows whose occlusion lowers the score.</summary>
    protected internal override Tensor SaliencyOf(Tensor raw) => raw.relu().squeeze(1);

    private static Tensor Indices(long start, long length, Func<long, long> map, Device device)
    {
        var values = new long[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = map(start + i);
        }
        return torch.tensor(values, device: device);
    }

    /// <summary>One mask [1, H, W] per window (1 inside), stacked to [windows, 1, H, W], on the inputs' device and dtype.</summary>
    private static Tensor WindowMasks(long height, long width, int side, int stride, Tensor like)
    {
        var corners = new List<(long Row, long Column)>();
        for (long row = 0; row + side <= height; row += stride)
        {
            for (long column = 0; column + side <= width; column += stride)
            {
                corners.Add((row, column));
            }
        }
        var masks = new float[corners.Count * height * width];
        for (var w = 0; w < corners.Count; w++)
        {
            for (var r = corners[w].Row; r < corners[w].Row + side; r++)
            {
                Array.Fill(masks, 1f, (int)((w * height * width) + (r * width) + corners[w].Column), side);
            }
        }
        return torch.tensor(masks, [corners.Count, 1, height, width], device: like.device).to(like.dtype);
    }

    /// <summary>The window side p and stride s used for images <paramref name="height"/> high: the given ones, or the defaults max(1, round(H/7)) and max(1, p/2).</summary>
    private (int Side, int Stride) WindowOf(long height)
    {
        var side = Patch ?? (int)Math.Max(1, Math.Round(height / 7.0, MidpointRounding.ToEven));
        return (side, Stride ?? Math.Max(1, side / 2));
    }

    /// <summary>The patch and stride as used on these inputs (numbers, also where they default), and the fill.</summary>
    protected internal override IEnumerable<(string Name, string Value)> DescribeParameters(ExplainContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (side, stride) = WindowOf(context.Inputs.size(2));
        return base.DescribeParameters(context).Concat([("patch", Text(side)), ("stride", Text(stride)), ("fill", Text(Fill))]);
    }
}
