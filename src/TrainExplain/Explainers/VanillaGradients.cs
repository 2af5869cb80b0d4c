
namespace TrainExplain.Explainers;

/// <summary>
/// Vanilla gradients, raw = dS_c/dx (Simonyan, Vedaldi and Zisserman 2013, "Deep Inside Convolutional Networks:
/// Visualising Image Classification Models and Saliency Maps"). Heatmap: channel reduction, percentile. Cost: 1 pass.
/// </summary>
public sealed class VanillaGradients(nn.Module<Tensor, Tensor> model, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
    : Explainer(model, score, internalBatchSize)
{
    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var gradient = context.Gradients(GradientRequest.InputOnly).Input!;
        return context.Attribution(gradient, Heatmaps.ChannelReduction(gradient), Normalization.Percentile, passes: 1);
    }

    /// <inheritdoc />
    protected internal override GradientRequest? SharedPassRequest(Tensor inputs) => GradientRequest.InputOnly;
}
