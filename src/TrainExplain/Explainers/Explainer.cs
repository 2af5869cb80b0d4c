namespace TrainExplain.Explainers;

/// <summary>
/// The frame of every input explainer, on the frame every method shares (<see cref="ModelMethod"/>: eval mode, a
/// dispose scope per call, timing): checks the inputs, finds the targets and their scores, and builds the call's
/// <see cref="ExplainContext"/>. Subclasses implement <see cref="Compute"/> with the helpers of <see cref="ExplainContext"/>; a
/// one-pass method also says what it needs from the pass (<see cref="SharedPassRequest"/>), so an
/// <see cref="ExplainerSet"/> can serve several methods with one forward+backward pass. Gradients are taken with
/// <c>torch.autograd.backward</c> restricted to the call's own tensors (its <c>inputs</c>), so the parameters' <c>.grad</c> that training accumulates is
/// never touched. Third-party methods derive from this class as the built-in ones do.
/// </summary>
public abstract class Explainer : ModelMethod, IExplainer
{
    /// <summary>Creates the explainer.</summary>
    /// <param name="model">The model, returning logits [N, K] (or any output, with <see cref="Targets.Output"/>).</param>
    /// <param name="score">What S_c is for class targets: the logit or the softmax probability.</param>
    /// <param name="internalBatchSize">The most images one forward/backward pass sees.</param>
    protected Explainer(nn.Module<Tensor, Tensor> model, ScoreKind score, int internalBatchSize) : base(model, score, internalBatchSize)
    {
    }

    /// <inheritdoc />
    public Explanation Explain(Tensor inputs, Targets targets)
    {
        CheckInputs(inputs, targets);
        using var host = new HostInputs(inputs);
        return Run(inputs, targets, request: null, shared: null, host, TimeSpan.Zero);
    }

    /// <summary>
    /// What this method needs from a single forward+backward pass over <paramref name="inputs"/>, or null when it needs
    /// other passes (then it cannot share one). Called once per call, with the model in eval mode; the result reaches
    /// <see cref="Compute"/> as <see cref="ExplainContext.Request"/>.
    /// </summary>
    protected internal virtual GradientRequest? SharedPassRequest(Tensor inputs) => null;

    /// <summary>
    /// Resolves every layer this method names (or finds by default) on <paramref name="probe"/>, so a wrong name fails
    /// here; called in eval mode. The default resolves those of <see cref="SharedPassRequest"/>.
    /// </summary>
    internal virtual void ResolveLayers(Tensor probe) => _ = SharedPassRequest(probe);

    /// <summary>
    /// A probe before any real work: in eval mode and without gradients, resolves the method's layers and runs
    /// <paramref name="probe"/> (one image) forward, so a wrong layer name or an input the model cannot take fails now.
    /// </summary>
    /// <returns>The shape of the model's output.</returns>
    /// <exception cref="ArgumentException">A named layer the model does not have (the message lists those it has).</exception>
    /// <exception cref="System.Runtime.InteropServices.ExternalException">The model refuses inputs of this shape (the message names the method and the shape).</exception>
    internal long[] Probe(Tensor probe) => InEvalMode(probe.shape, () =>
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        ResolveLayers(probe);
        return Model.call(probe).shape;
    });

    /// <summary>The value a layer parameter of <see cref="ModelMethod.DescribeParameters()"/> has when the method finds its layer itself.</summary>
    internal const string LastConv2dLayer = "last Conv2d";

    /// <summary>Whether the result depends on the targets and their scores; a method for which it does not (layer activations) leaves both out of its parameters.</summary>
    internal virtual bool UsesTargets => true;

    /// <summary>
    /// The parameters as used for one call's inputs (<see cref="ExplainContext.Inputs"/>): a value that a default
    /// resolves from the inputs (occlusion's window from the image size) is given as the number used. The default is
    /// <see cref="ModelMethod.DescribeParameters()"/> with a layer given as <see cref="LastConv2dLayer"/> named as found
    /// on these inputs, e.g. <c>conv2 (last Conv2d)</c>: from the call's request when it holds that one layer, else with
    /// a probe forward of one image. Being here, it also names the layer when a wrapper (a <see cref="NoiseTunnel"/>)
    /// describes the method with its own call.
    /// </summary>
    protected internal virtual IEnumerable<(string Name, string Value)> DescribeParameters(ExplainContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = DescribeParameters().ToList();
        if (!parameters.Any(p => p.Value == LastConv2dLayer))
        {
            return parameters;
        }
        var found = context.Request is { Layers: [var requested] } ? requested : LayerResolver.Resolve(Model, null, context.Inputs);
        return parameters.Select(p => p.Value == LastConv2dLayer ? (p.Name, $"{found.Name} ({LastConv2dLayer})") : p);
    }

    /// <summary>The method: an explanation of <see cref="ExplainContext.Inputs"/> (inside a dispose scope, model in eval mode).</summary>
    protected abstract Explanation Compute(ExplainContext context);

    /// <summary>
    /// The saliency [N, H, W] (the map the heatmap normalizes and the faithfulness metrics order pixels by) of raw
    /// attributions [N, C, H, W] of this method. The default, the channel reduction sum over C of |raw|, is that of the
    /// input-space methods and equals any one-channel non-negative map (a CAM's, FullGrad's). A
    /// <see cref="NoiseTunnel"/> takes the saliency of its aggregate from the method it wraps here; a method whose
    /// saliency is another function of its raw map (occlusion: ReLU) overrides it.
    /// </summary>
    protected internal virtual Tensor SaliencyOf(Tensor raw) => Heatmaps.ChannelReduction(raw);

    /// <summary>Explains checked inputs with a request resolved by the caller (or here when null) and, when given, a shared pass.</summary>
    internal Explanation Run(Tensor inputs, Targets targets, GradientRequest? request, GradientPass? shared, HostInputs host, TimeSpan sharedTime)
        => Run(inputs.shape, (scope, elapsed) =>
        {
            var resolved = request ?? SharedPassRequest(inputs);
            return Compute(new ExplainContext(this, scope, inputs, targets, resolved, shared, host, () => elapsed() + sharedTime));
        });

    /// <summary>
    /// Runs the method on checked <paramref name="inputs"/> (a <see cref="NoiseTunnel"/>'s noisy copies, with the model
    /// already in eval mode) and hands the maps its result is made from to <paramref name="sink"/>, on their device and
    /// in their dtype; they and the result die with the call.
    /// </summary>
    /// <exception cref="InvalidOperationException">The method's result is not an attribution (<see cref="ExplainContext.Attribution"/> was not called).</exception>
    internal void ComputeMaps(Tensor inputs, Targets targets, GradientRequest? request, Action<AttributionMaps> sink)
    {
        using var scope = torch.NewDisposeScope();
        using var host = new HostInputs(inputs);
        var handed = false;
        var context = new ExplainContext(this, scope, inputs, targets, request, shared: null, host, () => TimeSpan.Zero)
        {
            MapsSink = maps =>
            {
                handed = true;
                sink(maps);
            },
        };
        Compute(context).Dispose();
        if (!handed)
        {
            throw new InvalidOperationException($"{Name} makes no attribution (its result is not built by ExplainContext.Attribution), so there is nothing per pixel for a noise tunnel to aggregate.");
        }
    }

    /// <summary><see cref="SharedPassRequest"/> in eval mode, for a set that plans its passes.</summary>
    internal GradientRequest? RequestFor(Tensor inputs) => InEvalMode(inputs.shape, () => SharedPassRequest(inputs));

    /// <summary>Runs, in eval mode, the pass that serves <paramref name="request"/> for <paramref name="users"/> methods.</summary>
    /// <remarks>The pass's tensors belong to <paramref name="scope"/>, the scope of the caller that shares them.</remarks>
    internal GradientPass SharedPass(Tensor inputs, Targets targets, GradientRequest request, int users, DisposeScope scope, HostInputs host) =>
        InEvalMode(inputs.shape, () => new ExplainContext(this, scope, inputs, targets, request, shared: null, host, () => TimeSpan.Zero).SharedPass(request, users));

    /// <summary>Checks a batch and its targets once, before any tensor work.</summary>
    internal static void CheckInputs(Tensor inputs, Targets targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.ndim != 4)
        {
            throw new ArgumentException($"Inputs must be a batch [N, C, H, W], got shape {inputs.ShapeText()}.", nameof(inputs));
        }
        if (inputs.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"Inputs must be float32 or float64, got {inputs.dtype}.", nameof(inputs));
        }
        if (inputs.size(0) == 0)
        {
            throw new ArgumentException("The batch is empty: nothing to explain.", nameof(inputs));
        }
        targets.CheckCount(inputs.size(0));
        var notFinite = inputs.CountNotFinite();
        if (notFinite > 0)
        {
            throw new ArgumentException($"The inputs hold {notFinite} NaN or infinite values.", nameof(inputs));
        }
    }
}
