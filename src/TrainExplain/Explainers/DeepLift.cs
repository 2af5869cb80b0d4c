using TorchSharp.Modules;

namespace TrainExplain.Explainers;

/// <summary>
/// DeepLIFT with the Rescale rule (Shrikumar, Greenside and Kundaje 2017, "Learning Important Features Through
/// Propagating Activation Differences"): raw = (x - x') * m, where the multiplier m is the input gradient of S_c taken
/// with each nonlinearity's derivative replaced by a difference quotient against the baseline x' (zeros by default):
/// at a ReLU, dy/dx becomes (y - y')/(x - x') (the plain derivative [x &gt; 0] where |x - x'| &lt; 1e-10); at a
/// MaxPool2d, each window's difference max(x) - max(x') is split between the winners of x and of x' (METHODS.md);
/// linear and convolutional layers pass multipliers by the chain rule exactly. So the attributions of each image add
/// up to S_c(x) - S_c(x') (summation-to-delta), and the result's delta reports the rest. The rules are set on the
/// model's <c>nn.ReLU</c> and <c>nn.MaxPool2d</c> modules for the call and removed after it, even when it throws; a
/// functional <c>relu</c> or other nonlinearity keeps its gradient (then delta is not 0), and a call in which no ReLU
/// module ran through the rule warns once on <see cref="LibraryWarnings"/>.
/// Inputs and their baselines go through the model in one batch (images, then their baselines), so a pass holds at most
/// B/2 images and their baselines; the rules pair each item of a ReLU's or max-pool's input with the item half a batch
/// away, so the model must keep the batch as the first dimension there (as Captum assumes too). Heatmap: channel reduction, percentile. Cost: 2 forward+backward passes per image
/// (its own and its baseline's, in one batch), and the forward at the inputs that finds the targets.
/// </summary>
public sealed class DeepLift : Explainer
{
    /// <summary>|x - x'| below which a rule uses the plain derivative instead of the difference quotient (Captum's eps).</summary>
    public const double Epsilon = 1e-10;

    private readonly Tensor? baseline;
    private bool warned;

    /// <summary>Creates the explainer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="baseline">x', broadcastable to the inputs (a scalar tensor, an image [C, H, W], one per image); default zeros; read at each call, not owned.</param>
    /// <param name="score">What S_c is. With <see cref="ScoreKind.Probability"/> the softmax, which is no module, keeps its gradient, so summation-to-delta holds only for logits.</param>
    /// <param name="internalBatchSize">The most images per pass, 2 or more: each pass holds images and their baselines.</param>
    public DeepLift(nn.Module<Tensor, Tensor> model, Tensor? baseline = null, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
        : base(model, score, internalBatchSize)
    {
        if (internalBatchSize < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(internalBatchSize), internalBatchSize,
                "DeepLIFT runs each image with its baseline in one pass, so the internal batch size must be 2 or more.");
        }
        this.baseline = baseline;
    }

    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var x = context.Inputs;
        var reference = Reference(x);
        var classes = context.Classes;
        IReadOnlyList<Tensor> parts;
        using (var rules = new BackwardRules(Model, RescaleRelu, RescaleMaxPool))
        {
            parts = Batched.MapEach(context.Count, Math.Max(1, ChunkSize(x) / 2), (start, length) =>
            {
                var (images, baselines) = (x.narrow(0, start, length), reference.narrow(0, start, length));
                var chunkClasses = classes.narrow(0, start, length);
                var (multipliers, scores) = context.InputGradientAndScores(torch.cat([images, baselines]), torch.cat([chunkClasses, chunkClasses]));
                return [(images - baselines) * multipliers.narrow(0, 0, length), scores.narrow(0, length, length)];
            });
            rules.WarnIfNoneFired(Name, ref warned);
        }
        var (raw, baselineScores) = (parts[0], parts[1]);
        var delta = raw.flatten(1).sum(1) - (context.Scores - baselineScores);
        // Two image passes per image: its own and its baseline's, side by side in one batch.
        return context.Attribution(raw, Heatmaps.ChannelReduction(raw), Normalization.Percentile, passes: 2, delta: delta);
    }

    /// <inheritdoc />
    protected internal override IEnumerable<(string Name, string Value)> DescribeParameters() =>
        base.DescribeParameters().Append(("baseline", baseline is null ? "zeros" : baseline.numel() == 1 ? Text(baseline.ToDouble()) : "tensor"));

    /// <summary>x' expanded to the inputs' shape, dtype and device.</summary>
    /// <exception cref="ArgumentException">The baseline does not broadcast to the inputs, or holds NaN or infinite values.</exception>
    private Tensor Reference(Tensor x)
    {
        if (baseline is null)
        {
            return torch.zeros_like(x);
        }
        var (b, s) = (baseline.shape, x.shape);
        var broadcasts = b.Length <= s.Length && b.Select((size, i) => size == 1 || size == s[s.Length - b.Length + i]).All(ok => ok);
        if (!broadcasts)
        {
            throw new ArgumentException($"{Name}: the baseline of shape {baseline.ShapeText()} does not broadcast to the inputs {x.ShapeText()}; give a scalar, an image [C, H, W] or one baseline per image.", nameof(baseline));
        }
        var notFinite = baseline.CountNotFinite();
        if (notFinite > 0)
        {
            throw new ArgumentException($"{Name}: the baseline holds {notFinite} NaN or infinite values.", nameof(baseline));
        }
        return baseline.to(x.dtype, x.device).expand(s).contiguous();
    }

    /// <summary>The second half of a batch of images then baselines swapped with the first: each item's partner.</summary>
    private static Tensor Partner(Tensor batch) => batch.roll(batch.size(0) / 2, 0);

    /// <summary>
    /// ReLU's Rescale rule on a batch of images then baselines: the output's value, with backward multiplier
    /// (y - y')/(x - x') ([x &gt; 0] where |x - x'| &lt; eps), the same for an image and its baseline (as Captum).
    /// </summary>
    private static Tensor RescaleRelu(Tensor input, Tensor output)
    {
        Tensor multiplier;
        using (torch.no_grad())
        {
            var (x, y) = (input.detach(), output.detach());
            var (dx, dy) = (x - Partner(x), y - Partner(y));
            var small = dx.abs() < Epsilon;
            multiplier = torch.where(small, (x > 0).to(x.dtype), dy / torch.where(small, torch.ones_like(dx), dx));
        }
        // Value y; gradient multiplier * g into the input: the ReLU's own backward is bypassed.
        return output.detach() + (multiplier * (input - input.detach()));
    }

    /// <summary>
    /// Max-pool's rule on a batch of images then baselines, per window with image maximum y, baseline maximum y' and
    /// m = max(y, y'): the contribution m - y' goes to the window's winner in the image and y - m to its winner in the
    /// baseline (they add up to y - y'); a position's multiplier is its summed contributions over (x - x'), or the plain
    /// gradient (routing to the image's winner) where |x - x'| &lt; eps, which is Captum's rule.
    /// </summary>
    private static Tensor RescaleMaxPool(MaxPool2d pool, Tensor input, Tensor output)
    {
        Tensor ownGain, partnerGain, inverse, plain, winners, partnerWinners;
        using (torch.no_grad())
        {
            var x = input.detach();
            var (y, found) = pool.forward_with_indices(x);
            var yPartner = Partner(y);
            var m = torch.maximum(y, yPartner);
            (ownGain, partnerGain) = (m - yPartner, y - m);
            (winners, partnerWinners) = (found, Partner(found));
            var dx = x - Partner(x);
            var small = dx.abs() < Epsilon;
            inverse = torch.where(small, torch.zeros_like(dx), 1.0 / torch.where(small, torch.ones_like(dx), dx));
            plain = small.to(x.dtype);
        }
        // A function of the input, linear in it, whose gradient is each position's multiplier times the incoming gradient.
        var scaled = input * inverse;
        var linear = (ownGain * Gather(scaled, winners)) + (partnerGain * Gather(scaled, partnerWinners)) + Gather(input * plain, winners);
        return output.detach() + (linear - linear.detach());
    }

    /// <summary>Values of <paramref name="map"/> [N, C, H, W] at the flat positions <paramref name="indices"/> [N, C, h, w] into H*W.</summary>
    private static Tensor Gather(Tensor map, Tensor indices) => map.flatten(2).gather(2, indices.flatten(2)).view(indices.shape);
}
