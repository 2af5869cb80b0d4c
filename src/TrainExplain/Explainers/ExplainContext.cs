
namespace TrainExplain.Explainers;

/// <summary>
/// One explainer call: the inputs (detached, on the model's device), the targets and scores, found on first use with
/// one forward pass per chunk unless a gradient pass provided them, and the chunking helpers every method shares.
/// </summary>
public sealed class ExplainContext
{
    private readonly Explainer explainer;
    private readonly Targets targets;
    private readonly GradientPass? shared;
    private Tensor? classes;
    private Tensor? scores;

    /// <summary>Creates the context; a <paramref name="shared"/> pass for the same inputs and targets stands in for this call's own.</summary>
    internal ExplainContext(Explainer explainer, DisposeScope scope, Tensor? inputs, Targets targets, GradientPass? shared = null)
    {
        this.explainer = explainer;
        Scope = scope;
        this.targets = targets;
        this.shared = shared;
        Inputs = inputs?.detach();
        (classes, scores) = (shared?.Classes, shared?.Scores);
    }

    /// <summary>The dispose scope of this call: whatever the method makes and does not return dies with it.</summary>
    internal DisposeScope Scope { get; }

    /// <summary>The inputs [N, C, H, W], detached from any graph (null for methods that need none).</summary>
    public Tensor? Inputs { get; }

    /// <summary>The inputs, which this method requires.</summary>
    internal Tensor X => Inputs ?? throw new InvalidOperationException("This method needs inputs.");

    /// <summary>The number of images.</summary>
    internal long Count => X.size(0);

    /// <summary>The target class of each image, int64 [N].</summary>
    internal Tensor Classes
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

    /// <summary>S_c(x) of each image, [N].</summary>
    internal Tensor Scores
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
    internal IEnumerable<(long Start, long Length)> Chunks(long total)
    {
        for (long start = 0; start < total; start += explainer.InternalBatchSize)
        {
            yield return (start, Math.Min(explainer.InternalBatchSize, total - start));
        }
    }

    /// <summary>
    /// d(sum_j S_cj(x_j))/dx for a batch of at most B points, with the gradients of the captured layers too: one forward
    /// and one backward. Targets are found from this very pass when still unknown (so vanilla gradients cost one pass).
    /// </summary>
    /// <returns>The gradients with respect to <paramref name="points"/> and to each captured output, and the scores.</returns>
    internal (Tensor InputGradient, IReadOnlyList<Tensor> Activations, IReadOnlyList<Tensor> LayerGradients, Tensor Scores, Tensor Classes) Gradients(Tensor points,
        Func<Tensor, Tensor> classesOf, IReadOnlyList<nn.Module<Tensor, Tensor>>? layers = null, bool needInputGradient = true)
    {
        using var scope = torch.NewDisposeScope();
        using var capture = new LayerCapture(layers ?? [], scope);
        using var grad = torch.enable_grad();
        var x = points.detach().requires_grad_(needInputGradient);
        var logits = explainer.Model.call(x);
        var pointClasses = classesOf(logits);
        var score = explainer.ScoreOf(logits, pointClasses);
        var wrt = new List<Tensor>();
        if (needInputGradient)
        {
            wrt.Add(x);
        }
        wrt.AddRange(capture.Outputs);
        // A captured layer whose output does not reach the score has no gradient. With allow_unused, TorchSharp returns
        // it as a tensor without a native handle that stays on its live count forever. The sum of an empty slice of each
        // tensor (exactly 0) puts every one on the graph instead, so each gets a gradient: zeros when unused.
        var objective = wrt.Aggregate(score.sum(), (sum, t) => sum + t.narrow(0, 0, 0).sum());
        var gradients = torch.autograd.grad([objective], wrt);
        var inputGradient = needInputGradient ? gradients[0] : torch.zeros([]);
        var layerGradients = gradients.Skip(needInputGradient ? 1 : 0).ToList();
        var activations = capture.Outputs.Select(a => a.detach()).ToList();
        foreach (var t in layerGradients.Concat(activations))
        {
            t.MoveToOuterDisposeScope();
        }
        return (inputGradient.MoveToOuterDisposeScope(), activations, layerGradients, score.detach().MoveToOuterDisposeScope(),
            pointClasses.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// What <paramref name="request"/> asks for over all images, from the shared pass when there is one, else from one
    /// forward+backward pass per chunk of B images that also finds the targets and scores when they are still unknown.
    /// </summary>
    /// <returns>dS_c/dx (an empty tensor when not requested), and the requested layers' outputs and gradients, concatenated over chunks.</returns>
    internal (Tensor InputGradient, IReadOnlyList<Tensor> Activations, IReadOnlyList<Tensor> LayerGradients) InputAndLayerGradients(GradientRequest request)
    {
        if (shared is not null && shared.Covers(request))
        {
            return shared.Select(request);
        }
        var layers = request.Layers.Count;
        var inputGradients = new List<Tensor>();
        var activations = Enumerable.Range(0, layers).Select(_ => new List<Tensor>()).ToList();
        var layerGradients = Enumerable.Range(0, layers).Select(_ => new List<Tensor>()).ToList();
        var knownTargets = classes is not null;
        var chunkClasses = new List<Tensor>();
        var chunkScores = new List<Tensor>();
        foreach (var (start, length) in Chunks(Count))
        {
            var points = X.narrow(0, start, length);
            var (inputGradient, layerOutputs, gradients, score, pointClasses) = Gradients(points,
                logits => knownTargets ? classes!.narrow(0, start, length) : targets.Resolve(logits, start), request.Layers,
                request.InputGradient);
            inputGradients.Add(inputGradient);
            for (var l = 0; l < layers; l++)
            {
                activations[l].Add(layerOutputs[l]);
                layerGradients[l].Add(gradients[l]);
            }
            chunkClasses.Add(pointClasses);
            chunkScores.Add(score);
        }
        if (!knownTargets)
        {
            classes = torch.cat(chunkClasses);
            scores = torch.cat(chunkScores);
        }
        return (request.InputGradient ? torch.cat(inputGradients) : torch.zeros([]),
            activations.Select(a => torch.cat(a)).ToList(), layerGradients.Select(g => torch.cat(g)).ToList());
    }

    /// <summary>Runs the one pass that serves <paramref name="request"/> for several methods.</summary>
    internal GradientPass SharedPass(GradientRequest request, int users)
    {
        var (inputGradient, activations, gradients) = InputAndLayerGradients(request);
        var layers = request.Layers.Select((layer, i) => (layer, pair: (activations[i], gradients[i]))).ToDictionary(p => p.layer, p => p.pair);
        return new GradientPass(Classes, Scores, request.InputGradient ? inputGradient : null, layers) { Users = users };
    }

    /// <summary>Logits of <paramref name="points"/> without gradients, chunked by B.</summary>
    internal Tensor Logits(Tensor points)
    {
        using var noGrad = torch.no_grad();
        var parts = Chunks(points.size(0)).Select(c => explainer.Model.call(points.narrow(0, c.Start, c.Length))).ToList();
        return parts.Count == 1 ? parts[0] : torch.cat(parts);
    }

    /// <summary>S_c of <paramref name="points"/> [M, C, H, W] for classes [M], without gradients, chunked by B.</summary>
    internal Tensor ScoresOf(Tensor points, Tensor pointClasses)
    {
        using var noGrad = torch.no_grad();
        var parts = Chunks(points.size(0))
            .Select(c => explainer.ScoreOf(explainer.Model.call(points.narrow(0, c.Start, c.Length)), pointClasses.narrow(0, c.Start, c.Length)))
            .ToList();
        return parts.Count == 1 ? parts[0] : torch.cat(parts);
    }

    /// <summary>Copies a device tensor to the CPU as float32, for the result.</summary>
    internal static Tensor Host(Tensor tensor) => tensor.detach().to(ScalarType.Float32, torch.CPU);

    /// <summary>The targets as an array (one device-to-host copy).</summary>
    internal long[] TargetArray() => Classes.ToLongs();

    /// <summary>The scores as an array (one device-to-host copy).</summary>
    internal float[] ScoreArray() => Scores.ToFloats();

    /// <summary>
    /// An attribution built from device tensors: the heatmaps are <paramref name="normalize"/>d from the
    /// <paramref name="saliency"/> [N, H, W]; raw maps, saliency, heatmaps and extras go to the CPU once each.
    /// </summary>
    internal Attribution Attribution(string method, Tensor raw, Tensor saliency, Func<Tensor, Tensor> normalize, int passes,
        Tensor? layerMap = null, Tensor? delta = null) =>
        new(method, Host(raw), Host(saliency), Host(normalize(saliency)), Host(X), TargetArray(), ScoreArray(), passes,
            layerMap is null ? null : Host(layerMap), delta is null ? null : Host(delta));

    private void ForwardForTargets()
    {
        using var noGrad = torch.no_grad();
        var chunkClasses = new List<Tensor>();
        var chunkScores = new List<Tensor>();
        foreach (var (start, length) in Chunks(Count))
        {
            var logits = explainer.Model.call(X.narrow(0, start, length));
            var c = targets.Resolve(logits, start);
            chunkClasses.Add(c);
            chunkScores.Add(explainer.ScoreOf(logits, c));
        }
        classes = torch.cat(chunkClasses);
        scores = torch.cat(chunkScores);
    }
}
