namespace TrainExplain.Explainers;

/// <summary>
/// Guided Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based
/// Localization", section 3): raw = guided backpropagation map [N, C, H, W] times the Grad-CAM map of layer L upsampled
/// to H x W (bilinear), elementwise over every channel. Composes <see cref="GradCam"/> and <see cref="GuidedBackprop"/>:
/// the two cannot share a pass, since the guided rule changes the gradient that reaches L. Heatmap: channel reduction,
/// percentile. Cost: 2 forward+backward passes per image (Grad-CAM's and guided backpropagation's), chunked by the
/// internal batch size.
/// </summary>
public sealed class GuidedGradCam : Explainer
{
    private readonly GradCam gradCam;
    private readonly GuidedBackprop guided;

    /// <summary>Creates the explainer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="layer">The dotted name of Grad-CAM's layer, or null for the last Conv2d.</param>
    /// <param name="score">What S_c is.</param>
    /// <param name="internalBatchSize">The most images per pass.</param>
    public GuidedGradCam(nn.Module<Tensor, Tensor> model, string? layer = null, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
        : base(model, score, internalBatchSize)
    {
        gradCam = new GradCam(model, layer, guided: false, score, internalBatchSize);
        guided = new GuidedBackprop(model, score, internalBatchSize);
        Layer = layer;
    }

    /// <summary>The dotted name of Grad-CAM's layer, or null for the last Conv2d.</summary>
    public string? Layer { get; }

    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        Tensor? cam = null;
        gradCam.ComputeMaps(context.Inputs, context.Targets, gradCam.SharedPassRequest(context.Inputs), maps =>
        {
            // The maps die with Grad-CAM's call: keep a copy in this call's scope.
            cam = maps.Raw.clone();
            context.Scope.Attach(cam);
        });
        var raw = guided.GuidedGradient(context) * cam!;
        return context.Attribution(raw, Heatmaps.ChannelReduction(raw), Normalization.Percentile, passes: 2);
    }

    /// <inheritdoc />
    internal override void ResolveLayers(Tensor probe) => gradCam.ResolveLayers(probe);

    /// <inheritdoc />
    protected internal override IEnumerable<(string Name, string Value)> DescribeParameters() =>
        base.DescribeParameters().Append(("layer", Layer ?? LastConv2dLayer));
}
