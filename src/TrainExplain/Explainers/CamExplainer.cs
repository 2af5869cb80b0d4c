
namespace TrainExplain.Explainers;

/// <summary>
/// The class activation map family: A = output of layer L [N, K, h, w], g = dS_c/dA, cam = ReLU(sum_k alpha_k A_k),
/// upsampled bilinearly to H x W; heatmap: minmax. Subclasses only say how they weigh the channels (alpha), as in
/// pytorch-grad-cam. The layer is named by its dotted module name; the default is the last Conv2d in forward order.
/// Cost: 1 pass.
/// </summary>
public abstract class CamExplainer(nn.Module<Tensor, Tensor> model, string? layer, ScoreKind score, int internalBatchSize) : Explainer(model, score, internalBatchSize)
{
    /// <summary>The dotted name of the explained layer, or null for the last Conv2d.</summary>
    public string? Layer { get; } = layer;

    /// <summary>alpha [N, K] from the activations A and their gradients g, both [N, K, h, w].</summary>
    protected abstract Tensor ChannelWeights(Tensor activations, Tensor gradients);

    /// <inheritdoc />
    protected override string DefaultName => Layer is null ? base.DefaultName : $"{base.DefaultName}[{Layer}]";

    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var x = context.Inputs;
        var request = context.Request!;
        var gradients = context.Gradients(request);
        var (a, g) = (gradients.Activations[0], gradients.LayerGradients[0]);
        if (a.ndim != 4)
        {
            throw new ArgumentException($"Layer '{request.Layers[0].Name}' gives shape {a.ShapeText()}; class activation maps need [N, K, h, w].");
        }
        var alpha = ChannelWeights(a, g);
        var cam = (alpha.unsqueeze(2).unsqueeze(3) * a).sum(1).relu();
        var raw = Heatmaps.Upsample(cam, x.size(2), x.size(3));
        return context.Attribution(raw.unsqueeze(1), raw, Normalization.MinMax, passes: 1, layerMap: cam);
    }

    /// <inheritdoc />
    protected internal override GradientRequest SharedPassRequest(Tensor inputs) =>
        new(InputGradient: false, Layers: [LayerResolver.Resolve(Model, Layer, inputs)]);

    /// <inheritdoc />
    protected internal override IEnumerable<(string Name, string Value)> DescribeParameters() =>
        base.DescribeParameters().Append(("layer", Layer ?? "last Conv2d"));
}
