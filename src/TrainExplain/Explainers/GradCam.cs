
namespace TrainExplain.Explainers;

/// <summary>
/// Grad-CAM, alpha_k = mean over (h, w) of g_k (Selvaraju et al. 2017, "Grad-CAM: Visual Explanations from Deep
/// Networks via Gradient-based Localization"). With <c>guided</c> (tf-explain's default),
/// alpha_k = mean of g_k [A_k &gt; 0] [g_k &gt; 0].
/// </summary>
public sealed class GradCam : CamExplainer
{
    /// <summary>Grad-CAM of one layer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="layer">The dotted name of the layer, or null for the last Conv2d.</param>
    /// <param name="guided">Whether gradients are gated by positive activations and positive gradients.</param>
    /// <param name="score">What S_c is.</param>
    /// <param name="internalBatchSize">The most images per pass.</param>
    public GradCam(nn.Module<Tensor, Tensor> model, string? layer = null, bool guided = false, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
        : base(model, layer is null ? null : [layer], score, internalBatchSize) => Guided = guided;

    /// <summary>Grad-CAM over several layers from one pass: the mean of their normalized, upsampled maps (<see cref="CamExplainer"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="layers">The dotted names of the layers, at least one.</param>
    /// <param name="guided">Whether gradients are gated by positive activations and positive gradients.</param>
    /// <param name="score">What S_c is.</param>
    /// <param name="internalBatchSize">The most images per pass.</param>
    public GradCam(nn.Module<Tensor, Tensor> model, IReadOnlyList<string> layers, bool guided = false, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
        : base(model, layers ?? throw new ArgumentNullException(nameof(layers)), score, internalBatchSize) => Guided = guided;

    /// <summary>Whether gradients are gated by positive activations and positive gradients.</summary>
    public bool Guided { get; }

    /// <inheritdoc />
    protected override Tensor ChannelWeights(ExplainContext context, Tensor activations, Tensor? gradients)
    {
        var g = Required(gradients);
        var weighed = Guided ? g * (activations > 0).to(g.dtype) * (g > 0).to(g.dtype) : g;
        return weighed.mean([2, 3]);
    }

    /// <inheritdoc />
    protected internal override IEnumerable<(string Name, string Value)> DescribeParameters() => base.DescribeParameters().Append(("guided", Guided.ToString()));
}
