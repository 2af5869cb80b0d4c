using System.Globalization;
using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.Training;

namespace TrainExplain.Callbacks;

/// <summary>
/// Explains a fixed validation batch with any <see cref="IExplainer"/>s every <c>every</c> epochs and writes the pictures:
/// for each method one grid of overlays per step under the tag <c>explain/&lt;Method&gt;</c> (optionally each image as
/// its own sample under <c>explain/&lt;Method&gt;/samples</c>), the method's time as the scalar
/// <c>time/explain/&lt;Method&gt;</c>, and, when the run has a folder, a PNG per epoch under <c>images/&lt;method&gt;/</c>.
/// This one class replaces tf-explain's seven near-identical callbacks. Given several methods, it runs them as an
/// <see cref="ExplainerSet"/>, so the one-pass methods share a single forward+backward pass. The explainers leave the
/// model's mode and gradients as they were; the callback frees everything it made.
/// </summary>
public sealed class ExplainerCallback : ITrainingCallback, IDisposable
{
    private readonly ExplainerSet explainers;
    private readonly Tensor? inputs;
    private readonly Targets targets;
    private readonly int every;
    private readonly string? tag;
    private Tensor? inputsOnDevice;

    /// <summary>Creates the callback for one method.</summary>
    /// <param name="explainer">The method.</param>
    /// <param name="inputs">The validation batch [N, C, H, W] (null only for explainers that need no inputs).</param>
    /// <param name="targets">The target policy, e.g. <see cref="Targets.Labels"/> or <see cref="Targets.Predicted"/>.</param>
    /// <param name="every">Explain every this many epochs (and at the first).</param>
    /// <param name="tag">TensorBoard tag (default <c>explain/&lt;Name&gt;</c>).</param>
    /// <param name="writeSamples">Also write each image as its own sample.</param>
    /// <param name="render">Colormap, alpha, upscale and grid layout.</param>
    /// <exception cref="ArgumentException">The explainer needs inputs and none were given.</exception>
    public ExplainerCallback(IExplainer explainer, Tensor? inputs, Targets? targets = null, int every = 1, string? tag = null,
        bool writeSamples = false, RenderOptions? render = null)
        : this([explainer], inputs, targets, every, writeSamples, render) => this.tag = tag;

    /// <summary>Creates the callback for several methods, each written under <c>explain/&lt;Name&gt;</c>.</summary>
    /// <param name="explainers">The methods; one-pass methods of the same model share their gradient pass.</param>
    /// <param name="inputs">The validation batch [N, C, H, W] (null only when no explainer needs inputs).</param>
    /// <param name="targets">The target policy, e.g. <see cref="Targets.Labels"/> or <see cref="Targets.Predicted"/>.</param>
    /// <param name="every">Explain every this many epochs (and at the first).</param>
    /// <param name="writeSamples">Also write each image as its own sample.</param>
    /// <param name="render">Colormap, alpha, upscale and grid layout.</param>
    /// <exception cref="ArgumentException">No explainers, or one needs inputs and none were given.</exception>
    public ExplainerCallback(IEnumerable<IExplainer> explainers, Tensor? inputs, Targets? targets = null, int every = 1,
        bool writeSamples = false, RenderOptions? render = null)
    {
        this.explainers = new ExplainerSet(explainers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        if (inputs is null && this.explainers.Explainers.FirstOrDefault(e => e.RequiresInputs) is { } needy)
        {
            throw new ArgumentException($"{needy.Name} explains inputs: pass a validation batch [N, C, H, W].", nameof(inputs));
        }
        (this.inputs, this.targets, this.every) = (inputs, targets ?? Targets.Predicted, every);
        WriteSamples = writeSamples;
        Render = render ?? new RenderOptions();
    }

    /// <summary>The methods, in the order they run.</summary>
    public IReadOnlyList<IExplainer> Explainers => explainers.Explainers;

    /// <summary>Whether each image is also written as its own sample.</summary>
    public bool WriteSamples { get; }

    /// <summary>How explanations are drawn.</summary>
    public RenderOptions Render { get; }

    /// <summary>How long each method took the last time it ran (with its share of a shared pass), in the order of <see cref="Explainers"/>.</summary>
    public IReadOnlyList<TimeSpan> LastElapsed { get; private set; } = [];

    /// <summary>The TensorBoard tag of a method's grid.</summary>
    public string TagOf(IExplainer explainer)
    {
        ArgumentNullException.ThrowIfNull(explainer);
        return tag ?? $"explain/{explainer.Name}";
    }

    /// <inheritdoc />
    public void OnEpochEnd(TrainingContext context)
    {
        if ((context.Epoch - 1) % every != 0)
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        if (inputs is not null && (inputsOnDevice is null || !inputsOnDevice.device.IsSameAs(context.Device)))
        {
            inputsOnDevice?.Dispose();
            inputsOnDevice = inputs.to(context.Device).DetachFromDisposeScope();
        }
        var explanations = explainers.Explain(inputsOnDevice, targets);
        try
        {
            LastElapsed = [.. explanations.Select(e => e.Elapsed)];
            for (var i = 0; i < explanations.Count; i++)
            {
                Write(context, Explainers[i], explanations[i]);
            }
        }
        finally
        {
            foreach (var explanation in explanations)
            {
                explanation.Dispose();
            }
        }
    }

    private void Write(TrainingContext context, IExplainer explainer, Explanation explanation)
    {
        var tagOfMethod = TagOf(explainer);
        var grid = explanation.RenderGrid(Render);
        if (context.Writer is { } writer)
        {
            writer.AddImage(tagOfMethod, grid, context.Epoch);
            if (WriteSamples)
            {
                writer.AddImages($"{tagOfMethod}/samples", explanation.RenderImages(Render), context.Epoch);
            }
            writer.AddScalar($"time/{tagOfMethod}", (float)explanation.Elapsed.TotalMilliseconds, context.Epoch);
        }
        if (context.RunDirectory is { } run)
        {
            var folder = Path.Combine(run, "images", explainer.Name.ToLowerInvariant());
            Directory.CreateDirectory(folder);
            Png.Save(grid, Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"epoch_{context.Epoch:D3}.png")));
        }
    }

    /// <summary>Frees the device copy of the validation batch.</summary>
    public void Dispose()
    {
        inputsOnDevice?.Dispose();
        inputsOnDevice = null;
    }
}
