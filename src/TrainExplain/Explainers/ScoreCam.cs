namespace TrainExplain.Explainers;

/// <summary>
/// Score-CAM (Wang, Wang, Du, Yang, Zhang, Ding, Mardziel and Hu 2020, "Score-CAM: Score-Weighted Visual Explanations
/// for Convolutional Neural Networks"): no gradients. Each channel k of A is upsampled to H x W and min-max normalized
/// per image to a mask M_k in [0, 1]; its weight is its increase of confidence over the baseline X_b = 0 (the black
/// image, where every mask fades to), alpha_k = S_c(x * M_k) - S_c(X_b), with S_c the class's softmax probability by
/// default. Unlike pytorch-grad-cam (logits, then a softmax over the channels, no baseline) the weights are not
/// softmaxed: a softmax of probability differences in [-1, 1] flattens them towards equal weights. The map is
/// ReLU(sum_k alpha_k ReLU(A_k)): the paper's A_k are a ReLU's outputs, and on a layer before its ReLU (a Conv2d whose
/// ReLU is functional) the negative outputs would cancel the positive weights into a flat map. The masked copies
/// go through the model in chunks of the internal batch size. Cost per image: 1 forward pass for A and K forward
/// passes, or <see cref="MaxChannels"/> when given (the channels of largest mean activation; the others weigh 0),
/// plus 1 forward pass of one baseline image per call.
/// </summary>
public sealed class ScoreCam : CamExplainer
{
    /// <summary>Score-CAM of one layer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="layer">The dotted name of the layer, or null for the last Conv2d.</param>
    /// <param name="maxChannels">The most channels scored per image (those of largest mean activation), or null for all.</param>
    /// <param name="score">What S_c is (default: the class's softmax probability, as in the paper).</param>
    /// <param name="internalBatchSize">The most masked images per forward pass.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxChannels"/> is not positive.</exception>
    public ScoreCam(nn.Module<Tensor, Tensor> model, string? layer = null, int? maxChannels = null, ScoreKind score = ScoreKind.Probability,
        int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
        : base(model, layer is null ? null : [layer], score, internalBatchSize) => MaxChannels = Checked(maxChannels);

    /// <summary>Score-CAM over several layers: the mean of their normalized, upsampled maps (<see cref="CamExplainer"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="layers">The dotted names of the layers, at least one.</param>
    /// <param name="maxChannels">The most channels scored per image and layer (those of largest mean activation), or null for all.</param>
    /// <param name="score">What S_c is (default: the class's softmax probability, as in the paper).</param>
    /// <param name="internalBatchSize">The most masked images per forward pass.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxChannels"/> is not positive.</exception>
    public ScoreCam(nn.Module<Tensor, Tensor> model, IReadOnlyList<string> layers, int? maxChannels = null, ScoreKind score = ScoreKind.Probability,
        int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
        : base(model, layers ?? throw new ArgumentNullException(nameof(layers)), score, internalBatchSize) => MaxChannels = Checked(maxChannels);

    /// <summary>The most channels scored per image and layer (those of largest mean activation over h, w), or null for all.</summary>
    public int? MaxChannels { get; }

    /// <inheritdoc />
    protected override bool UsesGradients => false;

    /// <inheritdoc />
    protected override int WeightPasses(IReadOnlyList<Tensor> activations) => activations.Sum(a => (int)Scored(a.size(1)));

    /// <inheritdoc />
    protected override Tensor ChannelWeights(ExplainContext context, Tensor activations, Tensor? gradients)
    {
        var x = context.Inputs;
        var (count, channels) = (activations.size(0), activations.size(1));
        var scored = Scored(channels);
        // The (image, channel) pairs scored, image-major: every channel, or each image's top channels by mean activation.
        var chosen = scored == channels
            ? torch.arange(channels, device: x.device).unsqueeze(0).expand(count, channels)
            : activations.mean([2, 3]).topk((int)scored, dim: 1).indexes;
        var images = torch.arange(count, device: x.device).unsqueeze(1).expand(count, scored).flatten();
        var pairs = (images * channels) + chosen.flatten();
        var (maps, classes) = (activations.flatten(0, 1), context.Classes);
        using var noGrad = torch.no_grad();
        var masked = Batched.Map(images.size(0), ChunkSize(x), (start, length) =>
        {
            var pairImages = images.narrow(0, start, length);
            var masks = Heatmaps.MinMax(Heatmaps.Upsample(maps.index_select(0, pairs.narrow(0, start, length)), x.size(2), x.size(3)));
            return context.Targets.Score(Model.call(x.index_select(0, pairImages) * masks.unsqueeze(1)), classes.index_select(0, pairImages), Score);
        });
        // X_b = 0 is the same image for every input: one forward, its output shared by all.
        var baselineOutput = Model.call(torch.zeros([1, .. x.shape.Skip(1)], x.dtype, x.device)).expand(count, -1);
        var increase = masked - context.Targets.Score(baselineOutput, classes, Score).index_select(0, images);
        var alpha = torch.zeros([count, channels], increase.dtype, x.device).scatter_(1, chosen, increase.view(count, scored));
        // alpha_k where A_k > 0, so that the base's sum is over ReLU(A_k): on a layer before its ReLU, the negative
        // outputs the next ReLU drops would otherwise cancel the positive weights everywhere (a flat map).
        return alpha.unsqueeze(2).unsqueeze(3) * activations.gt(0).to(alpha.dtype);
    }

    /// <inheritdoc />
    protected internal override IEnumerable<(string Name, string Value)> DescribeParameters() =>
        base.DescribeParameters().Append(("max_channels", MaxChannels is { } cap ? Text(cap) : "all"));

    /// <summary>The channels scored per image out of <paramref name="channels"/>.</summary>
    private long Scored(long channels) => MaxChannels is { } cap ? Math.Min(cap, channels) : channels;

    private static int? Checked(int? maxChannels) => maxChannels is <= 0
        ? throw new ArgumentOutOfRangeException(nameof(maxChannels), maxChannels, "The channel cap must be positive (or null for every channel).")
        : maxChannels;
}
