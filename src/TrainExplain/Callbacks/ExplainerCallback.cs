using System.Globalization;
using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.Torch;
using TrainExplain.Training;

namespace TrainExplain.Callbacks;

/// <summary>
/// Explains a fixed validation batch with any <see cref="IExplainer"/> every <c>every</c> epochs and writes the pictures:
/// one grid of overlays per step under the tag <c>explain/&lt;Method&gt;</c> (optionally each image as its own sample
/// under <c>explain/&lt;Method&gt;/samples</c>), the explainer's time as a scalar, and, when the run has a folder, a PNG
/// per epoch under <c>images/&lt;method&gt;/</c>. This one class replaces tf-explain's seven near-identical callbacks.
/// The explainer leaves the model's mode and gradients as they were; the callback frees everything it made.
/// </summary>
public sealed class ExplainerCallback : ITrainingCallback, IDisposable
{
    private readonly IExplainer explainer;
    private readonly Tensor? inputs;
    private readonly Targets targets;
    private readonly int every;
    private Tensor? inputsOnDevice;

    /// <summary>Creates the callback.</summary>
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
    {
        ArgumentNullException.ThrowIfNull(explainer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        if (explainer.RequiresInputs && inputs is null)
        {
            throw new ArgumentException($"{explainer.Name} explains inputs: pass a validation batch [N, C, H, W].", nameof(inputs));
        }
        (this.explainer, this.inputs, this.targets, this.every) = (explainer, inputs, targets ?? Targets.Predicted, every);
        Tag = tag ?? $"explain/{explainer.Name}";
        WriteSamples = writeSamples;
        Render = render ?? new RenderOptions();
    }

    /// <summary>The TensorBoard tag of the grid.</summary>
    public string Tag { get; }

    /// <summary>Whether each image is also written as its own sample.</summary>
    public bool WriteSamples { get; }

    /// <summary>How explanations are drawn.</summary>
    public RenderOptions Render { get; }

    /// <summary>How long the last explanation took.</summary>
    public TimeSpan LastElapsed { get; private set; }

    /// <inheritdoc />
    public void OnEpochEnd(TrainingContext context)
    {
        if ((context.Epoch - 1) % every != 0)
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        if (inputs is not null && (inputsOnDevice is null || inputsOnDevice.device != context.Device))
        {
            inputsOnDevice?.Dispose();
            inputsOnDevice = inputs.to(context.Device).DetachFromDisposeScope();
        }
        using var explanation = explainer.Explain(inputsOnDevice, targets);
        LastElapsed = explanation.Elapsed;
        var grid = explanation.RenderGrid(Render);
        if (context.Writer is { } writer)
        {
            writer.AddImage(Tag, grid, context.Epoch);
            if (WriteSamples)
            {
                writer.AddImages($"{Tag}/samples", explanation.RenderImages(Render), context.Epoch);
            }
            writer.AddScalar($"time/{Tag}", (float)explanation.Elapsed.TotalMilliseconds, context.Epoch);
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
