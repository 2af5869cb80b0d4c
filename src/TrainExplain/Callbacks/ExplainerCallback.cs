using System.Runtime.InteropServices;
using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.Metrics;
using TrainExplain.TensorBoard;
using TrainExplain.Training;

namespace TrainExplain.Callbacks;

/// <summary>
/// Explains a fixed validation batch with any <see cref="IExplainer"/>s every <see cref="ExplainerCallbackOptions.Every"/>
/// epochs and writes the pictures: for each method one grid of overlays per step under the tag
/// <c>explain/&lt;Name&gt;</c>, the method's time in milliseconds as <c>time/explain_ms/&lt;Name&gt;</c>, and, given an image folder, a PNG per
/// epoch under <c>&lt;folder&gt;/&lt;name&gt;/</c> (the tag's name in lower case, <c>[layer]</c> as <c>-layer</c>). It also
/// logs what an <see cref="ExplanationMonitor"/> finds: how faithful (deletion and insertion AUC, Petsiuk et al. 2018) and
/// how settled (Spearman rank correlation with the previous explained epoch) each method's maps are. This one class replaces tf-explain's seven near-identical
/// callbacks; it owns its outputs (writer, folder). Given several methods, it runs them as an <see cref="ExplainerSet"/>,
/// so the one-pass methods share a single forward+backward pass. The explainers leave the model's mode and gradients as
/// they were; the callback frees everything it made.
/// </summary>
public sealed class ExplainerCallback : ITrainingCallback, IDisposable
{
    private const string ClassNamesOption = $"{nameof(ExplainerCallbackOptions)}.{nameof(ExplainerCallbackOptions.ClassNames)}";
    private readonly ExplainerSet explainers;
    private readonly Tensor inputs;
    private readonly Targets targets;
    private readonly TensorBoardWriter? writer;
    private readonly ExplanationOutputs outputs;
    private readonly ExplanationMonitor? monitor;
    private readonly bool logsRandomBaseline;
    private readonly List<int> explainedEpochs = [];
    private Tensor? inputsOnDevice;
    private long? trainBegan;
    private TimeSpan lastCost;

    /// <summary>Creates the callback for several methods, each written under <c>explain/&lt;Name&gt;</c>.</summary>
    /// <param name="explainers">The methods (names must differ); one-pass methods of the same model share their gradient pass.</param>
    /// <param name="inputs">The validation batch [N, C, H, W], read each time (not owned); copied to the model's device once.</param>
    /// <param name="targets">The target policy, e.g. <see cref="Targets.Labels"/> or <see cref="Targets.Predicted"/>.</param>
    /// <param name="writer">Where summaries go, or null.</param>
    /// <param name="imageFolder">The folder of the PNG files (one subfolder per method), or null.</param>
    /// <param name="options">Frequency, rendering, samples and the faithfulness figures.</param>
    /// <exception cref="ArgumentException">No explainers, two with one name, a tag the writer already has from another callback, or bad options.</exception>
    public ExplainerCallback(IEnumerable<IExplainer> explainers, Tensor inputs, Targets targets, TensorBoardWriter? writer = null,
        string? imageFolder = null, ExplainerCallbackOptions? options = null)
    {
        this.explainers = new ExplainerSet(explainers);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        Options = options ?? new ExplainerCallbackOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Options.Every, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Options.FaithfulnessSteps, nameof(options));
        ArgumentNullException.ThrowIfNull(Options.Clock, nameof(options));
        if (Options.MaxTimeShare is { } share && share is not (> 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), share,
                $"{nameof(ExplainerCallbackOptions)}.{nameof(ExplainerCallbackOptions.MaxTimeShare)} must be a fraction in (0, 1] (e.g. 0.05 for 5 %), or null for no bound.");
        }
        ClassNames.Check(Options.ClassNames, ClassNamesOption);
        (this.inputs, this.targets, this.writer) = (inputs, targets, writer);
        outputs = new ExplanationOutputs(writer, imageFolder, Options.Render, Options.WriteSamples);
        monitor = Options.Faithfulness ? new ExplanationMonitor(Options.FaithfulnessSteps) : null;
        writer?.Claim(this, [.. Tags()]);
        // The chance level is the same for every method of a run: the first callback of a writer logs it.
        const string chance = ExplanationMonitor.ChanceName;
        logsRandomBaseline = Options.Faithfulness && Options.RandomBaseline &&
            (writer?.TryClaim(this, [ExplanationMonitor.DeletionTag(chance), ExplanationMonitor.InsertionTag(chance)]) ?? true);
    }

    /// <summary>Creates the callback for one method.</summary>
    public ExplainerCallback(IExplainer explainer, Tensor inputs, Targets targets, TensorBoardWriter? writer = null, string? imageFolder = null,
        ExplainerCallbackOptions? options = null)
        : this([explainer], inputs, targets, writer, imageFolder, options)
    {
    }

    /// <summary>The methods, in the order they run.</summary>
    public IReadOnlyList<IExplainer> Explainers => explainers.Explainers;

    /// <summary>The options.</summary>
    public ExplainerCallbackOptions Options { get; }

    /// <summary>How long each method took the last time it ran (with its share of a shared pass), in the order of <see cref="Explainers"/>.</summary>
    public IReadOnlyList<TimeSpan> LastElapsed { get; private set; } = [];

    /// <summary>The epochs this callback explained, in order (with <see cref="ExplainerCallbackOptions.MaxTimeShare"/>, some that <see cref="ExplainerCallbackOptions.Every"/> selects may be missing).</summary>
    public IReadOnlyList<int> ExplainedEpochs => explainedEpochs;

    /// <summary>The wall time the explained epochs took in all: the methods, their figures and their faithfulness.</summary>
    public TimeSpan TimeSpent { get; private set; }

    /// <summary>The last explained epoch's faithfulness figures by method name (and <c>chance</c> for the random-order baseline).</summary>
    public IReadOnlyDictionary<string, FaithfulnessScores> LastFaithfulness { get; private set; } = new Dictionary<string, FaithfulnessScores>();

    /// <summary>The last explained epoch's stability by method name (absent at the first explained epoch).</summary>
    public IReadOnlyDictionary<string, double> LastStability { get; private set; } = new Dictionary<string, double>();

    /// <summary>The TensorBoard tag of a method's grid: <c>explain/&lt;Name&gt;</c>.</summary>
    public static string TagOf(IExplainer explainer)
    {
        ArgumentNullException.ThrowIfNull(explainer);
        return ExplanationOutputs.TagOf(explainer.Name);
    }

    /// <summary>
    /// Checks, before the first epoch trains, what would otherwise fail only at the first explained epoch: each
    /// explainer explains the trained model, the validation batch and targets are valid, and a probe pass of the first
    /// validation image (eval mode, no gradients) resolves every layer the explainers name and goes through the model.
    /// </summary>
    /// <exception cref="InvalidOperationException">An explainer explains another model than the one being trained.</exception>
    /// <exception cref="ArgumentException">A bad validation batch, a layer name the model lacks (the message names the explainer, the layer and the layers there are), or a batch shape the model cannot take.</exception>
    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Explainers.FirstOrDefault(e => !ReferenceEquals(e.Model, context.Model)) is { } other)
        {
            throw new InvalidOperationException($"{other.Name} explains another model than the one being trained; build the explainer with the trained model.");
        }
        Explainer.CheckInputs(inputs, targets);
        (trainBegan, lastCost, TimeSpent) = (Options.Clock.GetTimestamp(), TimeSpan.Zero, TimeSpan.Zero);
        explainedEpochs.Clear();
        using var scope = torch.NewDisposeScope();
        var probe = inputs.narrow(0, 0, 1).to(context.Device);
        foreach (var explainer in Explainers.OfType<Explainer>())
        {
            try
            {
                explainer.Probe(probe);
            }
            catch (Exception e) when (e is ArgumentException or ExternalException)
            {
                throw new ArgumentException(
                    $"{explainer.Name} cannot explain the validation batch of shape {inputs.ShapeText()} with this model; the probe pass before the first epoch failed: {e.Message}",
                    nameof(explainers), e);
            }
        }
    }

    /// <summary>Explains the validation batch at the epochs that <see cref="ExplainerCallbackOptions.Every"/> selects, within <see cref="ExplainerCallbackOptions.MaxTimeShare"/>.</summary>
    public void OnEpochEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // A loop that skipped OnTrainBegin has its time counted from here.
        trainBegan ??= Options.Clock.GetTimestamp();
        if (!context.IsEveryEpochs(Options.Every) || !WithinTimeShare())
        {
            return;
        }
        var began = Options.Clock.GetTimestamp();
        Explain(context);
        lastCost = Options.Clock.GetElapsedTime(began);
        TimeSpent += lastCost;
        explainedEpochs.Add(context.Epoch);
    }

    /// <summary>Whether explaining now, at the last explained epoch's cost, keeps this callback's share of the run's time within the bound.</summary>
    private bool WithinTimeShare()
    {
        if (Options.MaxTimeShare is not { } share || explainedEpochs.Count == 0)
        {
            return true;
        }
        var elapsed = Options.Clock.GetElapsedTime(trainBegan!.Value);
        return (TimeSpent + lastCost).TotalSeconds <= share * (elapsed + lastCost).TotalSeconds;
    }

    /// <summary>Explains the batch, writes the figures and logs the faithfulness figures.</summary>
    private void Explain(TrainingContext context)
    {
        using var scope = torch.NewDisposeScope();
        if (inputsOnDevice is null || !inputsOnDevice.device.IsSameAs(context.Device))
        {
            inputsOnDevice?.Dispose();
            inputsOnDevice = inputs.to(context.Device).DetachFromDisposeScope();
        }
        var explanations = explainers.Explain(inputsOnDevice, targets);
        try
        {
            LastElapsed = [.. explanations.Select(e => e.Elapsed)];
            var labels = TileLabelsOf(context, explanations[0].Targets);
            for (var i = 0; i < explanations.Count; i++)
            {
                outputs.Write(Explainers[i].Name, explanations[i], context.Epoch, GridDescription(explanations[i], labels is not null), labels);
                WarnNotFinite(explanations[i], context.Epoch);
            }
            if (monitor is not null && !targets.IsOutputFunction)
            {
                Measure(monitor, context, explanations);
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

    /// <summary>Writes each method's evolution figure (<c>explain/&lt;Name&gt;/evolution</c>, and <c>evolution.png</c> in its image folder).</summary>
    public void OnTrainEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        outputs.WriteEvolutions(context.Epoch);
    }

    /// <summary>Frees the device copy of the validation batch.</summary>
    public void Dispose()
    {
        inputsOnDevice?.Dispose();
        inputsOnDevice = null;
    }

    private IEnumerable<string> Tags()
    {
        foreach (var explainer in Explainers)
        {
            var tag = TagOf(explainer);
            yield return tag;
            yield return ExplanationOutputs.EvolutionTagOf(tag);
            if (Options.Faithfulness)
            {
                yield return ExplanationMonitor.DeletionTag(explainer.Name);
                yield return ExplanationMonitor.InsertionTag(explainer.Name);
                yield return ExplanationMonitor.StabilityTag(explainer.Name);
            }
        }
    }

    /// <summary>Logs the monitor's figures of the attributions (and of the random order, if this callback logs it).</summary>
    private void Measure(ExplanationMonitor explanationMonitor, TrainingContext context, IReadOnlyList<Explanation> explanations)
    {
        var measured = explanationMonitor.Measure(context.Model, inputsOnDevice!, explanations, logsRandomBaseline);
        foreach (var (tag, value, description, displayName) in measured.Scalars)
        {
            writer?.AddScalar(tag, (float)value, context.Epoch, description: description, displayName: displayName);
        }
        (LastFaithfulness, LastStability) = (measured.Faithfulness, measured.Stability);
    }

    /// <summary>Says when a method's saliency holds NaN or infinities, which its heatmap draws as 0.</summary>
    private void WarnNotFinite(Explanation explanation, int epoch)
    {
        if (explanation is not Attribution attribution)
        {
            return;
        }
        if (attribution.Saliency.CountNotFinite() is var count and > 0)
        {
            (Options.Warnings ?? Console.Error).WriteLine(
                $"epoch {epoch}: {explanation.Method} has {count} NaN or infinite saliency values of {attribution.Saliency.numel()}; its heatmaps show them as 0.");
        }
    }

    /// <summary>Each image's label (<see cref="TileLabels.ForInputs(nn.Module{Tensor, Tensor}, Tensor, IReadOnlyList{long}, Tensor?, IReadOnlyList{string}?)"/>); null for output-function targets.</summary>
    private IReadOnlyList<TileLabel>? TileLabelsOf(TrainingContext context, long[] explained) =>
        targets.IsOutputFunction ? null : TileLabels.ForInputs(context.Model, inputsOnDevice!, explained, targets.LabelTensor, Options.ClassNames, ClassNamesOption);

    private string GridDescription(Explanation explanation, bool labeled) =>
        $"{explanation.Method} of the {explanation.Targets.Length} fixed validation images, in batch order, left to right then top to bottom" +
        // Activations do not depend on a target, so their description names none.
        (explanation is ActivationMaps ? ". " : $", each explained for its target ({targets.Description}). ") +
        $"The caption on top names the epoch, the method and its parameters; the color bar under the grid gives the colors' meaning ({explanation.Legend(Options.Render).Normalization})." +
        (labeled ? " Under each tile: 'true' its class, 'pred' the model's prediction with its softmax probability, 'expl' the explained class where it differs from the true one; a green frame marks a right prediction, red a wrong one, gray an image without a true class." : "");
}
