namespace TrainExplain.Explainers;

/// <summary>
/// The result of one explainer call, as data: the raw output (a CPU tensor), the targets and their scores S_c(x), the
/// method's parameters, its cost in forward+backward passes per image and the time it took. Drawing it is the Imaging
/// room's (<c>TrainExplain.Imaging.ExplanationFigure</c>), saving its tensors <see cref="ExplanationTensors.SaveTensors"/>'s.
/// The results are a closed set (<see cref="Attribution"/>, <see cref="ActivationMaps"/>, <see cref="ClassImages"/>),
/// each of which the drawing knows. It owns its tensors: dispose it.
/// </summary>
public abstract class Explanation : IDisposable
{
    /// <summary>Parameters of how the work was batched, which change no picture: left out of <see cref="Caption"/>.</summary>
    private static readonly string[] CaptionOmits = ["internal_batch_size", "gradient_pass"];

    private readonly List<Tensor> owned = [];

    /// <summary>Creates the result, complete; <paramref name="raw"/> (a CPU tensor) is taken over.</summary>
    private protected Explanation(ExplanationInfo info, Tensor raw, long[] targets, float[] scores)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(scores);
        Info = info;
        Raw = Own(raw)!;
        (Targets, Scores) = (targets, scores);
    }

    /// <summary>The call that made this result: method, cost, parameters, time.</summary>
    public ExplanationInfo Info { get; }

    /// <summary>The method's display name.</summary>
    public string Method => Info.Method;

    /// <summary>The method's raw output (signed float32 attributions, activations or images), on the CPU.</summary>
    public Tensor Raw { get; }

    /// <summary>The class explained for each image (or optimized for each picture).</summary>
    public long[] Targets { get; }

    /// <summary>S_c(x) of each input for its target.</summary>
    public float[] Scores { get; }

    /// <summary>Forward+backward passes per image (forward-only passes for occlusion), the method's cost model.</summary>
    public int Passes => Info.Passes;

    /// <summary>The method's parameters as text.</summary>
    public IReadOnlyDictionary<string, string> Parameters => Info.Parameters;

    /// <summary>Wall-clock time of the call, including the final copy to the host.</summary>
    public TimeSpan Elapsed => Info.Elapsed;

    /// <summary>
    /// The softmax probability the model gives each target for its own picture, where the result knows it (the final
    /// probabilities of <see cref="ClassImages"/>), else null.
    /// </summary>
    public virtual IReadOnlyList<float>? TargetProbabilities => null;

    /// <summary>
    /// One line saying what this is: the method, how the pictures are laid out where that needs saying, and the
    /// parameters (layer, score, targets, ...), e.g. <c>GradCam (layer: conv2 (last Conv2d), score: logit, targets: labels)</c>.
    /// </summary>
    public string Caption => $"{Method}{(Layout is { } layout ? $", {layout}" : "")} ({string.Join(", ", Parameters.Where(p => !CaptionOmits.Contains(p.Key)).Select(p => $"{p.Key}: {p.Value}"))})";

    /// <summary>How each picture is laid out, where it needs saying (e.g. a grid of channels), or null.</summary>
    protected virtual string? Layout => null;

    /// <summary>Further tensors <see cref="ExplanationTensors.SaveTensors"/> saves, by name.</summary>
    internal virtual IEnumerable<(string Name, Tensor Tensor)> ExtraTensors() => [];

    /// <summary>Takes ownership of a CPU tensor (null stays null).</summary>
    protected Tensor? Own(Tensor? tensor)
    {
        if (tensor is not null)
        {
            owned.Add(tensor.DetachFromDisposeScope());
        }
        return tensor;
    }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        owned.ForEach(t => t.Dispose());
        owned.Clear();
        GC.SuppressFinalize(this);
    }
}
