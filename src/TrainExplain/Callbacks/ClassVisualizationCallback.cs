using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.TensorBoard;
using TrainExplain.Training;

namespace TrainExplain.Callbacks;

/// <summary>
/// Every <c>every</c> epochs, synthesizes what the model looks for in each class with an <see cref="IClassVisualizer"/>
/// (activation maximization) and writes the pictures as <see cref="ExplainerCallback"/> does: one grid under
/// <c>explain/&lt;Name&gt;</c> (each picture labeled with its class and the probability the model gives it), its time as
/// <c>time/explain_ms/&lt;Name&gt;</c>, a PNG per epoch under the image folder, and at the end of training one evolution
/// figure (<c>explain/&lt;Name&gt;/evolution</c>) of the pictures over the epochs. Warm start (default on, for
/// <see cref="ActivationMaximization"/>): after the first time, each ascent starts from the previous pictures
/// (<see cref="ActivationMaximization.Continue"/>) with a quarter of the steps (or <c>warmSteps</c>), as the model moves
/// little from one epoch to the next; pictures with NaN or infinite pixels are never a start.
/// </summary>
public sealed class ClassVisualizationCallback : ITrainingCallback
{
    private readonly IClassVisualizer visualizer;
    private readonly int every;
    private readonly ExplanationOutputs outputs;
    private readonly IReadOnlyList<string>? classNames;
    private readonly int? warmSteps;
    private ClassImages? previous;

    /// <summary>Creates the callback.</summary>
    /// <param name="visualizer">The method, bound to the trained model.</param>
    /// <param name="writer">Where summaries go, or null.</param>
    /// <param name="imageFolder">The folder of the PNG files (one subfolder per method), or null.</param>
    /// <param name="every">Visualize every this many epochs (and at the first).</param>
    /// <param name="render">Grid layout and upscaling.</param>
    /// <param name="classNames">The class names, index by index, for the pictures' labels; null shows class indices.</param>
    /// <param name="warmStart">Whether an <see cref="ActivationMaximization"/> starts from the previous pictures after the first time.</param>
    /// <param name="warmSteps">The most steps of a warm-started ascent (default: a quarter of the visualizer's steps, at least 1).</param>
    /// <exception cref="ArgumentException">The writer already has this tag from another callback, or a class name is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="every"/> or <paramref name="warmSteps"/> is not positive.</exception>
    public ClassVisualizationCallback(IClassVisualizer visualizer, TensorBoardWriter? writer = null, string? imageFolder = null, int every = 1,
        RenderOptions? render = null, IReadOnlyList<string>? classNames = null, bool warmStart = true, int? warmSteps = null)
    {
        ArgumentNullException.ThrowIfNull(visualizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        if (warmSteps is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(warmSteps), warmSteps, "A warm start needs at least one step (or null for a quarter of the visualizer's).");
        }
        ClassNames.Check(classNames, nameof(classNames));
        (this.visualizer, this.every, this.classNames, WarmStart, this.warmSteps) = (visualizer, every, classNames, warmStart, warmSteps);
        outputs = new ExplanationOutputs(writer, imageFolder, render ?? new RenderOptions(), writeSamples: false);
        writer?.Claim(this, [Tag, ExplanationOutputs.EvolutionTagOf(Tag)]);
    }

    /// <summary>Whether an <see cref="ActivationMaximization"/> starts from the previous pictures after the first time.</summary>
    public bool WarmStart { get; }

    /// <summary>The TensorBoard tag of the grid.</summary>
    public string Tag => ExplanationOutputs.TagOf(visualizer.Name);

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The visualizer visualizes another model than the one being trained.</exception>
    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!ReferenceEquals(visualizer.Model, context.Model))
        {
            throw new InvalidOperationException($"{visualizer.Name} visualizes another model than the one being trained; build it with the trained model.");
        }
    }

    /// <inheritdoc />
    public void OnEpochEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsEveryEpochs(every))
        {
            return;
        }
        var warm = WarmStart && previous is not null && visualizer is ActivationMaximization ascent ? warmSteps ?? Math.Max(1, ascent.Steps / 4) : (int?)null;
        var pictures = warm is { } steps ? ((ActivationMaximization)visualizer).Continue(previous!, steps) : visualizer.Visualize();
        var notFinite = pictures.Raw.CountNotFinite();
        if (notFinite > 0)
        {
            // A diverged model synthesizes NaN: the pictures draw it black rather than stop the run.
            LibraryWarnings.Write($"epoch {context.Epoch}: {visualizer.Name} has {notFinite} NaN or infinite pixel values of {pictures.Raw.numel()}; its pictures show NaN as black.");
        }
        // The pictures are the next start (warm, and finite), or freed once written.
        var start = WarmStart && notFinite == 0 ? pictures as ClassImages : null;
        KeepAsStart(start);
        using var written = start is null ? pictures : null;
        var labels = TileLabels.ForClassImages(pictures, classNames);
        outputs.Write(visualizer.Name, pictures, context.Epoch,
            $"{visualizer.Name}: one synthesized image per class ({string.Join(", ", labels.Select(l => l.ExplainedClass))}), in that order, left to right then top to bottom. " +
            "Under each picture: 'expl' the class it was made for and the softmax probability the model gives that class for it. The caption names the epoch and the method's parameters; " +
            $"the gray bar under the grid spans the model's input range.", labels);
    }

    /// <summary>Writes the evolution figure (<c>explain/&lt;Name&gt;/evolution</c>, and <c>evolution.png</c> in the image folder).</summary>
    public void OnTrainEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        KeepAsStart(null);
        outputs.WriteEvolutions(context.Epoch);
    }

    /// <summary>Keeps <paramref name="pictures"/> as the next start (null: none), freeing the former one.</summary>
    private void KeepAsStart(ClassImages? pictures)
    {
        previous?.Dispose();
        previous = pictures;
    }
}
