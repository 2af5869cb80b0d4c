
namespace TrainExplain.Explainers;

/// <summary>
/// The activations A [N, K, h, w] of one layer, each channel drawn as a gray tile normalized per channel: tf-explain's
/// ActivationsVisualization. The layer is named by its dotted module name (default: the last Conv2d in forward order).
/// Cost: 1 forward. The activations do not depend on a target, so its parameters name no targets and no score.
/// </summary>
public sealed class LayerActivations(nn.Module<Tensor, Tensor> model, string? layer = null, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
    : Explainer(model, ScoreKind.Logit, internalBatchSize)
{
    /// <summary>The dotted name of the layer, or null for the last Conv2d.</summary>
    public string? Layer { get; } = layer;

    /// <inheritdoc />
    protected override string DefaultName => Layer is null ? base.DefaultName : $"{base.DefaultName}[{Layer}]";

    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var layer = LayerResolver.Resolve(Model, Layer, context.Inputs);
        Tensor activations;
        using (var capture = new LayerCapture([layer], context.Scope, keepAll: true))
        {
            _ = context.Classes;  // the forward pass that finds the targets also fills the capture
            activations = torch.cat([.. capture.History()]);
        }
        if (activations.ndim != 4)
        {
            throw new ArgumentException($"Layer '{layer.Name}' gives shape {activations.ShapeText()}; activation maps need [N, K, h, w].");
        }
        var host = ExplainContext.Host(activations);
        var (targets, scores) = (context.TargetArray(), context.ScoreArray());
        return new ActivationMaps(context.Info(passes: 1), layer.Name, host, targets, scores);
    }

    /// <inheritdoc />
    internal override bool UsesTargets => false;

    /// <inheritdoc />
    internal override void ResolveLayers(Tensor probe) => _ = LayerResolver.Resolve(Model, Layer, probe);

    /// <inheritdoc />
    protected internal override IEnumerable<(string Name, string Value)> DescribeParameters() => base.DescribeParameters().Append(("layer", Layer ?? LastConv2dLayer));
}
