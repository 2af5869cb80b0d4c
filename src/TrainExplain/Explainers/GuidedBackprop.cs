namespace TrainExplain.Explainers;

/// <summary>
/// Guided backpropagation (Springenberg, Dosovitskiy, Brox and Riedmiller 2015, "Striving for Simplicity: The All
/// Convolutional Net"): the input gradient of S_c computed with every ReLU's backward replaced by
/// g_in = [x &gt; 0] * max(g_out, 0), so only positive gradients pass, and only where the ReLU's input was positive.
/// The rule is set on the model's <c>nn.ReLU</c> modules for the call and removed after it, even when it throws (as
/// Captum's module overrides). A functional <c>relu</c> in the model's <c>forward</c> cannot be reached: when no ReLU
/// module ran through the rule, <see cref="LibraryWarnings"/> says so once and the result is the plain gradient there.
/// Heatmap: channel reduction, percentile. Cost: 1 forward+backward pass per image, chunked by the internal batch size.
/// </summary>
public sealed class GuidedBackprop(nn.Module<Tensor, Tensor> model, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
    : Explainer(model, score, internalBatchSize)
{
    private bool warned;

    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var gradient = GuidedGradient(context);
        return context.Attribution(gradient, Heatmaps.ChannelReduction(gradient), Normalization.Percentile, passes: 1);
    }

    /// <summary>
    /// The guided gradient of <paramref name="context"/>'s inputs [N, C, H, W], from one forward+backward pass per chunk
    /// (which also finds the targets when they are still unknown); Guided Grad-CAM's other factor.
    /// </summary>
    internal Tensor GuidedGradient(ExplainContext context)
    {
        // The output's value is the ReLU's own; its backward clamps the incoming gradient to max(g, 0) before the
        // ReLU's backward masks it by [x > 0].
        using var rules = new BackwardRules(Model, (_, output) => PositiveGradient.apply(output));
        var gradient = context.Gradients(GradientRequest.InputOnly).Input!;
        rules.WarnIfNoneFired(Name, ref warned);
        return gradient;
    }
}
