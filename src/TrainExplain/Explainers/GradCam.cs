
namespace TrainExplain.Explainers;

/// <summary>
/// Grad-CAM, alpha_k = mean over (h, w) of g_k (Selvaraju et al. 2017, "Grad-CAM: Visual Explanations from Deep
/// Networks via Gradient-based Localization"). With <c>guided</c> (tf-explain's default),
/// alpha_k = mean of g_k [A_k &gt; 0] [g_k &gt; 0].
/// </summary>
public sealed class GradCam(nn.Module<Tensor, Tensor> model, string? layer = null, bool guided = false, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
    : CamExplainer(model, layer, score, internalBatchSize)
{
    /// <summary>Whether gradients are gated by positive activations and positive gradients.</summary>
    public bool Guided { get; } = guided;

    /// <inheritdoc />
    protected override Tensor ChannelWeights(Tensor activations, Tensor gradients)
    {
        var g = Guided ? gradients * (activations > 0).to(gradients.dtype) * (gradients > 0).to(gradients.dtype) : gradients;
        return g.mean([2, 3]);
    }

    /// <inheritdoc />
    protected internal override IEnumerable<(string Name, string Value)> DescribeParameters() => base.DescribeParameters().Append(("guided", Guided.ToString()));
}
