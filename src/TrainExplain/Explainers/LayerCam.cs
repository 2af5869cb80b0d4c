namespace TrainExplain.Explainers;

/// <summary>
/// LayerCAM (Jiang, Zhang, Hou, Cheng and Wei 2021, "LayerCAM: Exploring Hierarchical Class Activation Maps for
/// Localization"): each position of each channel is weighed by its own positive gradient, w_kij = ReLU(g_kij), so
/// cam = ReLU(sum_k ReLU(g_k) * A_k) per position. Unlike Grad-CAM's channel means it keeps fine detail on early
/// layers, which is what it is for; several layers fuse as every CAM's (<see cref="CamExplainer"/>). Cost: 1 pass.
/// </summary>
public sealed class LayerCam : CamExplainer
{
    /// <summary>LayerCAM of one layer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="layer">The dotted name of the layer, or null for the last Conv2d.</param>
    /// <param name="score">What S_c is.</param>
    /// <param name="internalBatchSize">The most images per pass.</param>
    public LayerCam(nn.Module<Tensor, Tensor> model, string? layer = null, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
        : base(model, layer is null ? null : [layer], score, internalBatchSize)
    {
    }

    /// <summary>LayerCAM over several layers from one pass: the mean of their normalized, upsampled maps (<see cref="CamExplainer"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="layers">The dotted names of the layers, at least one.</param>
    /// <param name="score">What S_c is.</param>
    /// <param name="internalBatchSize">The most images per pass.</param>
    public LayerCam(nn.Module<Tensor, Tensor> model, IReadOnlyList<string> layers, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
        : base(model, layers ?? throw new ArgumentNullException(nameof(layers)), score, internalBatchSize)
    {
    }

    /// <inheritdoc />
    protected override Tensor ChannelWeights(ExplainContext context, Tensor activations, Tensor? gradients) => Required(gradients).relu();
}
