
namespace TrainExplain.Explainers;

/// <summary>
/// Gradients x inputs, raw = x * dS_c/dx (Shrikumar et al. 2016, "Not Just a Black Box: Learning Important Features
/// Through Propagating Activation Differences"). Heatmap: channel reduction, percentile. Cost: 1 pass.
/// </summary>
public sealed class GradientsInputs(nn.Module<Tensor, Tensor> model, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
    : Explainer(model, score, internalBatchSize)
{
    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var raw = context.Inputs * context.Gradients(GradientRequest.InputOnly).Input!;
        return context.Attribution(raw, Heatmaps.ChannelReduction(raw), Normalization.Percentile, passes: 1);
    }

    /// <inheritdoc />
    protected internal override GradientRequest? SharedPassRequest(Tensor inputs) => GradientRequest.InputOnly;
}
