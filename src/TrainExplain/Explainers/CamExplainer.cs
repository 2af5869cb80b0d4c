
namespace TrainExplain.Explainers;

/// <summary>
/// The class activation map family: A = output of layer L [N, K, h, w], g = dS_c/dA, cam = ReLU(sum_k alpha_k A_k),
/// upsampled bilinearly to H x W; heatmap: minmax. Subclasses only say how they weigh the channels (alpha), as in
/// pytorch-grad-cam's <c>get_cam_weights</c>: one weight per channel, or one per channel and position (LayerCAM), from
/// A and g, or from A and further forward passes without gradients (Score-CAM, <see cref="UsesGradients"/>). Layers are named by their dotted module names; the default is the last Conv2d in forward order.
/// Over several layers (pytorch-grad-cam's <c>target_layers</c>) one forward+backward pass serves them all: each
/// layer's cam is computed as for one layer (ReLU included), min-max normalized per image at its own resolution (as
/// pytorch-grad-cam scales each layer's cam, since a coarse layer's cam is larger by the area each of its positions
/// covers), upsampled, and raw is the mean of these maps; there is no single layer-resolution map then. A
/// <see cref="Reshape"/> (pytorch-grad-cam's <c>reshape_transform</c>) turns a layer output of another layout, e.g. a
/// vision transformer's tokens [N, h*w, K], and its gradient into [N, K, h, w]. Cost: 1 pass (and what the weights cost, <see cref="WeightPasses"/>).
/// </summary>
public abstract class CamExplainer : Explainer
{
    /// <summary>Creates the explainer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="layers">The dotted names of the explained layers (at least one, no repeats), or null for the last Conv2d.</param>
    /// <param name="score">What S_c is.</param>
    /// <param name="internalBatchSize">The most images per pass.</param>
    /// <exception cref="ArgumentException">The list is empty, or names a layer twice or a blank name.</exception>
    protected CamExplainer(nn.Module<Tensor, Tensor> model, IReadOnlyList<string>? layers, ScoreKind score, int internalBatchSize) : base(model, score, internalBatchSize)
    {
        if (layers is not null)
        {
            if (layers.Count == 0 || layers.Any(string.IsNullOrWhiteSpace))
            {
                throw new ArgumentException("Name at least one layer, and no blank names (or give null for the last Conv2d).", nameof(layers));
            }
            if (layers.GroupBy(l => l).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                throw new ArgumentException($"The layer '{twice.Key}' is named twice; name each layer once.", nameof(layers));
            }
        }
        Layers = layers is null ? [] : [.. layers];
    }

    /// <summary>The dotted names of the explained layers, in the order given; empty for the last Conv2d.</summary>
    public IReadOnlyList<string> Layers { get; }

    /// <summary>
    /// Turns a layer's output, and in the same way its gradient, into [N, K, h, w] (null: the output is that already),
    /// e.g. <c>t =&gt; t.narrow(1, 1, 196).transpose(1, 2).reshape(-1, 768, 14, 14)</c> for a ViT-B/16's tokens with
    /// the class token first. It must keep each element's value (a view, a permutation or a selection).
    /// </summary>
    public Func<Tensor, Tensor>? Reshape { get; init; }

    /// <summary>
    /// alpha [N, K], or per channel and position [N, K, h, w], from the activations A [N, K, h, w], their gradients g
    /// [N, K, h, w] (null when <see cref="UsesGradients"/> is false) and the call's context (inputs, targets, scoring).
    /// </summary>
    protected abstract Tensor ChannelWeights(ExplainContext context, Tensor activations, Tensor? gradients);

    /// <summary>
    /// Whether the weights need g = dS_c/dA: then A and g come from one forward+backward pass, which an
    /// <see cref="ExplainerSet"/> may share; otherwise A comes from one forward pass without gradients.
    /// </summary>
    protected virtual bool UsesGradients => true;

    /// <summary>The passes per image that <see cref="ChannelWeights"/> costs beyond the one that gives A (and g), for these layers' activations.</summary>
    protected virtual int WeightPasses(IReadOnlyList<Tensor> activations) => 0;

    /// <summary>g from <see cref="ChannelWeights"/>'s argument, for a CAM that weighs by gradients (<see cref="UsesGradients"/> true).</summary>
    protected static Tensor Required(Tensor? gradients) =>
        gradients ?? throw new InvalidOperationException("These channel weights need the layer's gradients, and UsesGradients is true, so the base passes them.");

    /// <inheritdoc />
    protected override string DefaultName => Layers.Count == 0 ? base.DefaultName : $"{base.DefaultName}[{string.Join('+', Layers)}]";

    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var x = context.Inputs;
        var layers = context.Request?.Layers ?? ResolvedLayers(x);
        IReadOnlyList<Tensor> activations;
        IReadOnlyList<Tensor>? gradients = null;
        if (UsesGradients)
        {
            var pass = context.Gradients(context.Request ?? new GradientRequest(InputGradient: false, layers));
            (activations, gradients) = (pass.Activations, pass.LayerGradients);
        }
        else
        {
            activations = context.Activations(layers);
        }
        var shaped = activations.Select((a, l) => Shaped(a, layers[l])).ToList();
        var cams = new List<Tensor>();
        for (var l = 0; l < layers.Count; l++)
        {
            var a = shaped[l];
            var alpha = ChannelWeights(context, a, gradients is null ? null : Shaped(gradients[l], layers[l]));
            cams.Add(((alpha.ndim == 2 ? alpha.unsqueeze(2).unsqueeze(3) : alpha) * a).sum(1).relu());
        }
        var passes = 1 + WeightPasses(shaped);
        if (cams.Count == 1)
        {
            var raw = Heatmaps.Upsample(cams[0], x.size(2), x.size(3));
            return context.Attribution(raw.unsqueeze(1), raw, Normalization.MinMax, passes, layerMap: cams[0]);
        }
        var mean = torch.stack([.. cams.Select(cam => Heatmaps.Upsample(Heatmaps.MinMax(cam), x.size(2), x.size(3)))]).mean([0]);
        return context.Attribution(mean.unsqueeze(1), mean, Normalization.MinMax, passes);
    }

    /// <summary>The explained layers found on <paramref name="inputs"/>: those named, or the last Conv2d.</summary>
    private IReadOnlyList<NamedLayer> ResolvedLayers(Tensor inputs) =>
        Layers.Count == 0 ? [LayerResolver.Resolve(Model, null, inputs)] : [.. Layers.Select(name => LayerResolver.Resolve(Model, name, inputs))];

    /// <summary>A layer's output or gradient as [N, K, h, w], through <see cref="Reshape"/> when given.</summary>
    private Tensor Shaped(Tensor tensor, NamedLayer layer)
    {
        var shaped = Reshape is null ? tensor : Reshape(tensor) ?? throw new InvalidOperationException($"The reshape of layer '{layer.Name}' returned null.");
        if (shaped.ndim != 4 || shaped.size(0) != tensor.size(0))
        {
            throw new ArgumentException(Reshape is null
                ? $"Layer '{layer.Name}' gives shape {tensor.ShapeText()}; class activation maps need [N, K, h, w]: give a Reshape to turn it into that."
                : $"The reshape of layer '{layer.Name}' turned {tensor.ShapeText()} into {shaped.ShapeText()}; class activation maps need [N, K, h, w] with the same N.");
        }
        return shaped;
    }

    /// <inheritdoc />
    protected internal override GradientRequest? SharedPassRequest(Tensor inputs) =>
        UsesGradients ? new(InputGradient: false, Layers: ResolvedLayers(inputs)) : null;

    /// <inheritdoc />
    internal override void ResolveLayers(Tensor probe) => _ = ResolvedLayers(probe);

    /// <inheritdoc />
    protected internal override IEnumerable<(string Name, string Value)> DescribeParameters()
    {
        var parameters = base.DescribeParameters().Append((Layers.Count > 1 ? "layers" : "layer", Layers.Count == 0 ? LastConv2dLayer : string.Join(", ", Layers)));
        return Reshape is null ? parameters : parameters.Append(("reshape", "given"));
    }
}
