using TrainExplain.Numerics;

namespace TrainExplain.Explainers;

/// <summary>
/// One explainer call, and the tools every method is built from (open to third-party methods, as Captum opens its
/// gradient utilities): the inputs (detached, on the model's device), the targets and scores (found on first use with
/// one forward pass per chunk, unless a gradient pass found them), chunking by the internal batch size, gradients with
/// respect to inputs and layers, scores without gradients, and the construction of the result with its host copies,
/// parameters and time. Everything it makes belongs to the call's dispose scope.
/// </summary>
public sealed class ExplainContext
{
    private readonly Explainer explainer;
    private readonly GradientPass? shared;
    private readonly HostInputs host;
    private readonly Func<TimeSpan> elapsed;
    private Tensor? classes;
    private Tensor? scores;

    internal ExplainContext(Explainer explainer, DisposeScope scope, Tensor inputs, Targets targets, GradientRequest? request,
        GradientPass? shared, HostInputs host, Func<TimeSpan> elapsed)
    {
        (this.explainer, Scope, Targets, Request, this.shared, this.host, this.elapsed) = (explainer, scope, targets, request, shared, host, elapsed);
        Inputs = inputs.detach();
        (classes, scores) = (shared?.Classes, shared?.Scores);
    }

    /// <summary>
    /// Where <see cref="Attribution"/> also hands the method's maps, on their device and in their dtype, before the host
    /// copies: set on a <see cref="NoiseTunnel"/>'s calls of the method it wraps, null otherwise.
    /// </summary>
    internal Action<AttributionMaps>? MapsSink { get; init; }

    /// <summary>The dispose scope of this call: whatever the method makes and does not return dies with it.</summary>
    public DisposeScope Scope { get; }

    /// <summary>The inputs [N, C, H, W], detached from any graph.</summary>
    public Tensor Inputs { get; }

    /// <summary>The number of images N.</summary>
    public long Count => Inputs.size(0);

    /// <summary>How each image's target and score S are chosen.</summary>
    public Targets Targets { get; }

    /// <summary>What <see cref="Explainer.SharedPassRequest"/> returned for these inputs, resolved once per call (null for methods that need other passes).</summary>
    public GradientRequest? Request { get; }

    /// <summary>The target class of each image, int64 [N] (-1 for <see cref="Targets.Output"/> targets).</summary>
    public Tensor Classes
    {
        get
        {
            if (classes is null)
            {
                ForwardForTargets();
            }
            return classes!;
        }
    }

    /// <summary>S(x) of each image, [N].</summary>
    public Tensor Scores
    {
        get
        {
            if (scores is null)
            {
                ForwardForTargets();
            }
            return scores!;
        }
    }

    /// <summary>The starts and lengths of chunks of at most B items out of <paramref name="total"/>.</summary>
    public IEnumerable<(long Start, long Length)> Chunks(long total) => Batched.Chunks(total, explainer.ChunkSize(Inputs));

    /// <summary>dS/dx at <paramref name="points"/> [M, C, H, W] (at most B of them) for their classes [M]: one forward and one backward.</summary>
    public Tensor InputGradient(Tensor points, Tensor pointClasses)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(pointClasses);
        return Pass(points, _ => pointClasses, [], needInputGradient: true).InputGradient;
    }

    /// <summary>
    /// dS/dx at <paramref name="points"/> [M, C, H, W] (at most B of them) for their classes [M], and S at the points
    /// [M] that the same forward computed: one forward and one backward.
    /// </summary>
    public (Tensor Gradient, Tensor Scores) InputGradientAndScores(Tensor points, Tensor pointClasses)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(pointClasses);
        var pass = Pass(points, _ => pointClasses, [], needInputGradient: true);
        return (pass.InputGradient, pass.Scores);
    }

    /// <summary>
    /// What <paramref name="request"/> asks for over all images: from the shared pass when there is one, else from one
    /// forward+backward pass per chunk of B images, which also finds the targets and scores when they are still unknown
    /// (so a one-pass method costs one pass).
    /// </summary>
    public RequestedGradients Gradients(GradientRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (shared is not null && shared.Covers(request))
        {
            return shared.Select(request);
        }
        var knownTargets = classes is not null;
        // Per chunk: [input gradient (when asked), each layer's activation, each layer's gradient, classes, scores].
        var parts = Batched.MapEach(Count, explainer.ChunkSize(Inputs), (start, length) =>
        {
            var pass = Pass(Inputs.narrow(0, start, length),
                output => knownTargets ? classes!.narrow(0, start, length) : Targets.Resolve(output, start), request.Layers, request.InputGradient);
            return [.. request.InputGradient ? [pass.InputGradient] : Array.Empty<Tensor>(), .. pass.Activations, .. pass.LayerGradients, pass.Classes, pass.Scores];
        });
        if (!knownTargets)
        {
            (classes, scores) = (parts[^2], parts[^1]);
        }
        var (layers, first) = (request.Layers.Count, request.InputGradient ? 1 : 0);
        return new(request.InputGradient ? parts[0] : null, [.. parts.Skip(first).Take(layers)], [.. parts.Skip(first + layers).Take(layers)]);
    }

    /// <summary>
    /// Each of <paramref name="layers"/>' outputs over all images, detached, in layer order: one forward pass per chunk
    /// of B images without gradients, which also finds the targets and scores when they are still unknown (so a method
    /// that needs activations and no gradient, such as Score-CAM, pays no backward pass).
    /// </summary>
    public IReadOnlyList<Tensor> Activations(IReadOnlyList<NamedLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var knownTargets = classes is not null;
        using var noGrad = torch.no_grad();
        // Per chunk: [each layer's activation, classes, scores].
        var parts = Batched.MapEach(Count, explainer.ChunkSize(Inputs), (start, length) =>
        {
            using var scope = torch.NewDisposeScope();
            using var capture = new LayerCapture(layers, scope);
            var output = explainer.Model.call(Inputs.narrow(0, start, length));
            var chunkClasses = knownTargets ? classes!.narrow(0, start, length) : Targets.Resolve(output, start);
            Tensor[] kept = [.. capture.Outputs.Select(a => a.detach()), chunkClasses, Targets.Score(output, chunkClasses, explainer.Score)];
            return [.. kept.Select(t => t.MoveToOuterDisposeScope())];
        });
        if (!knownTargets)
        {
            (classes, scores) = (parts[^2], parts[^1]);
        }
        return [.. parts.Take(layers.Count)];
    }

    /// <summary>S of <paramref name="points"/> [M, C, H, W] for classes [M], without gradients, chunked by B.</summary>
    public Tensor ScoresOf(Tensor points, Tensor pointClasses)
    {
        using var noGrad = torch.no_grad();
        return Batched.Map(points.size(0), explainer.ChunkSize(points),
            (start, length) => Targets.Score(explainer.Model.call(points.narrow(0, start, length)), pointClasses.narrow(0, start, length), explainer.Score));
    }

    /// <summary>
    /// The result of an input-space method, built from device tensors: the heatmaps are the
    /// <paramref name="normalization"/> of the <paramref name="saliency"/> [N, H, W], which of its maps are flat is
    /// found beside them (<see cref="Heatmaps.IsFlat"/>); raw maps, saliency, heatmaps, flat flags and extras go to the
    /// host once each.
    /// </summary>
    /// <param name="raw">The raw attributions, [N, C, H, W] or [N, 1, H, W].</param>
    /// <param name="saliency">The map the display normalizes and the faithfulness metrics order pixels by, [N, H, W].</param>
    /// <param name="normalization">The per-image normalization to [0, 1] and its words for the color bar, e.g. <see cref="Normalization.Percentile"/>.</param>
    /// <param name="passes">Forward+backward passes per image.</param>
    /// <param name="layerMap">The map at the layer's resolution [N, h, w], for CAM methods.</param>
    /// <param name="delta">The completeness error per image [N], for integrated gradients.</param>
    public Attribution Attribution(Tensor raw, Tensor saliency, Normalization normalization, int passes, Tensor? layerMap = null, Tensor? delta = null)
    {
        ArgumentNullException.ThrowIfNull(normalization);
        ArgumentNullException.ThrowIfNull(saliency);
        if (MapsSink is { } sink)
        {
            // A noise tunnel's copies: the maps go to its sums on the device, and the result, which nobody reads, is
            // neither normalized, checked for flat maps nor copied to the host (per chunk, on a GPU, that was 4 copies).
            sink(new AttributionMaps(raw, normalization, passes, layerMap, delta));
            return new Attribution(Info(passes), raw, saliency, saliency.alias(), Inputs, TargetArray(), ScoreArray(), flatMaps: new bool[Count]);
        }
        var (hostRaw, hostSaliency, hostHeatmaps) = (Host(raw), Host(saliency), Host(normalization.Apply(saliency)));
        var flatMaps = Heatmaps.IsFlat(saliency).ToBools();
        var (hostLayerMap, hostDelta) = (layerMap is null ? null : Host(layerMap), delta is null ? null : Host(delta));
        var (targetArray, scoreArray) = (TargetArray(), ScoreArray());
        return new Attribution(Info(passes), hostRaw, hostSaliency, hostHeatmaps, HostInputs(), targetArray, scoreArray, hostLayerMap, hostDelta,
            normalization.Description, flatMaps);
    }

    /// <summary>What the result says about this call: method, cost, parameters and the time so far (take it last).</summary>
    public ExplanationInfo Info(int passes)
    {
        var parameters = explainer.DescribeParameters(this);
        if (explainer.UsesTargets)
        {
            parameters = parameters
                .Append(("score", Targets.IsOutputFunction ? Targets.Description : explainer.Score.ToString().ToLowerInvariant()))
                .Append(("targets", Targets.Description));
        }
        if (shared is { Users: > 1 })
        {
            parameters = parameters.Append(("gradient_pass", $"shared by {shared.Users} methods"));
        }
        return new ExplanationInfo(explainer.Name, passes, parameters.ToDictionary(p => p.Item1, p => p.Item2), elapsed());
    }

    /// <summary>The inputs on the host, float32: one copy per batch however many methods explain it.</summary>
    public Tensor HostInputs() => host.Alias();

    /// <summary>The targets as an array (one device-to-host copy).</summary>
    public long[] TargetArray() => Classes.ToLongs();

    /// <summary>The scores as an array (one device-to-host copy).</summary>
    public float[] ScoreArray() => Scores.ToFloats();

    /// <summary>Copies a device tensor to the CPU as float32, for a result.</summary>
    public static Tensor Host(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.detach().to(ScalarType.Float32, torch.CPU);
    }

    /// <summary>Runs the one pass that serves <paramref name="request"/> for several methods.</summary>
    internal GradientPass SharedPass(GradientRequest request, int users)
    {
        var gradients = Gradients(request);
        var layers = new Dictionary<object, (Tensor, Tensor)>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < request.Layers.Count; i++)
        {
            layers[request.Layers[i].Module] = (gradients.Activations[i], gradients.LayerGradients[i]);
        }
        return new GradientPass(Classes, Scores, gradients.Input, layers) { Users = users };
    }

    /// <summary>
    /// d(sum_j S_j(x_j))/dx for at most B points, with the captured layers' outputs and gradients: one forward and one
    /// backward. <paramref name="classesOf"/> picks the points' classes from the model's output.
    /// </summary>
    private PassResult Pass(Tensor points, Func<Tensor, Tensor> classesOf, IReadOnlyList<NamedLayer> layers, bool needInputGradient)
    {
        using var scope = torch.NewDisposeScope();
        using var capture = new LayerCapture(layers, scope);
        using var grad = torch.enable_grad();
        // The inputs always require grad, so a graph exists even when every parameter is frozen (a transfer-learning
        // backbone, weights loaded for inference): backward then computes only what the request needs.
        var x = points.detach().requires_grad_();
        var output = explainer.Model.call(x);
        var pointClasses = classesOf(output);
        var score = Targets.Score(output, pointClasses, explainer.Score);
        var wrt = new List<Tensor>();
        if (needInputGradient)
        {
            wrt.Add(x);
        }
        for (var i = 0; i < layers.Count; i++)
        {
            var activation = capture.Output(i);
            if (!activation.requires_grad)
            {
                throw new InvalidOperationException(
                    $"{explainer.Name}: the output of layer '{layers[i].Name}' is detached (it does not require grad), so the score's gradient with respect to it cannot be taken; explain another layer.");
            }
            wrt.Add(activation);
        }
        var gradients = Backward.Gradients(score.sum(), wrt, explainer.Name);
        var inputGradient = needInputGradient ? gradients[0] : torch.zeros([]);
        var layerGradients = gradients.Skip(needInputGradient ? 1 : 0).ToList();
        var activations = capture.Outputs.Select(a => a.detach()).ToList();
        foreach (var t in layerGradients.Concat(activations))
        {
            t.MoveToOuterDisposeScope();
        }
        return new(inputGradient.MoveToOuterDisposeScope(), activations, layerGradients, score.detach().MoveToOuterDisposeScope(),
            pointClasses.MoveToOuterDisposeScope());
    }

    private void ForwardForTargets()
    {
        using var noGrad = torch.no_grad();
        var parts = Batched.MapEach(Count, explainer.ChunkSize(Inputs), (start, length) =>
        {
            var output = explainer.Model.call(Inputs.narrow(0, start, length));
            var chunkClasses = Targets.Resolve(output, start);
            return [chunkClasses, Targets.Score(output, chunkClasses, explainer.Score)];
        });
        (classes, scores) = (parts[0], parts[1]);
    }

    /// <summary>One pass's gradients, scores and classes.</summary>
    private sealed record PassResult(Tensor InputGradient, IReadOnlyList<Tensor> Activations, IReadOnlyList<Tensor> LayerGradients, Tensor Scores, Tensor Classes);
}
