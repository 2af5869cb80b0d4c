using TrainExplain.Explainers;

namespace TrainExplain.Imaging;

/// <summary>
/// What goes under each tile of a figure (<see cref="ExplanationFigure.RenderFigure"/>): the labels the callbacks write during
/// training, for callers that explain after it and want the same pictures.
/// </summary>
public static class TileLabels
{
    /// <summary>
    /// Each explained input's label: its true class (where <paramref name="trueClasses"/> are given), the model's predicted
    /// class and its softmax probability (one forward pass in eval mode without gradients; the model's mode is restored),
    /// and the explained class where it differs from the true class (from the prediction, without true classes).
    /// </summary>
    /// <param name="model">The classifier, giving logits [N, classes].</param>
    /// <param name="inputs">The explained inputs [N, ...], on the model's device.</param>
    /// <param name="explained">The class explained for each input (<see cref="Explanation.Targets"/>).</param>
    /// <param name="trueClasses">The inputs' true classes, int64 [N] (any device), or null when unknown.</param>
    /// <param name="classNames">The class names, index by index; null shows class indices.</param>
    /// <exception cref="ArgumentException">The counts differ, a name is blank, or a class has no name.</exception>
    public static IReadOnlyList<TileLabel> ForInputs(nn.Module<Tensor, Tensor> model, Tensor inputs, IReadOnlyList<long> explained, Tensor? trueClasses = null,
        IReadOnlyList<string>? classNames = null)
    {
        ClassNames.Check(classNames, nameof(classNames));
        return ForInputs(model, inputs, explained, trueClasses, classNames, nameof(classNames));
    }

    /// <summary>As the public <see cref="ForInputs(nn.Module{Tensor, Tensor}, Tensor, IReadOnlyList{long}, Tensor?, IReadOnlyList{string}?)"/>, with names already checked; errors about them name <paramref name="option"/>.</summary>
    internal static IReadOnlyList<TileLabel> ForInputs(nn.Module<Tensor, Tensor> model, Tensor inputs, IReadOnlyList<long> explained, Tensor? trueClasses,
        IReadOnlyList<string>? classNames, string option)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(explained);
        var count = inputs.size(0);
        if (explained.Count != count)
        {
            throw new ArgumentException($"{count} inputs but {explained.Count} explained classes; give one per input.", nameof(explained));
        }
        if (trueClasses is not null && !trueClasses.shape.SequenceEqual([count]))
        {
            throw new ArgumentException($"The true classes must have shape [{count}], one per input; got {trueClasses.ShapeText()}.", nameof(trueClasses));
        }
        using var scope = torch.NewDisposeScope();
        long[] predicted;
        float[] probabilities;
        using (torch.no_grad())
        {
            // By the internal batch size, as every pass: one forward of 10,000 images held gigabytes of activations.
            var logits = EvalMode.Run(model, () => Batched.Map(inputs, ModelMethod.ChunkSize(ModelMethod.DefaultInternalBatchSize, inputs), model.call));
            var (probability, index) = torch.nn.functional.softmax(logits, 1).max(1);
            (predicted, probabilities) = (index.ToLongs(), probability.ToFloats());
        }
        var truth = trueClasses?.ToLongs();
        return [.. predicted.Select((p, i) => new TileLabel(
            truth is null ? null : ClassNames.Of(classNames, truth[i], option),
            ClassNames.Of(classNames, p, option),
            probabilities[i],
            explained[i] == (truth?[i] ?? p) ? null : ClassNames.Of(classNames, explained[i], option)))];
    }

    /// <summary>
    /// Each synthesized picture's label (activation maximization): the class it was made for and, where the result knows
    /// it (<see cref="Explanation.TargetProbabilities"/>), the softmax probability the model gives that class for it; no true or predicted class.
    /// </summary>
    /// <param name="pictures">One picture per class, the class in <see cref="Explanation.Targets"/>.</param>
    /// <param name="classNames">The class names, index by index; null shows class indices.</param>
    /// <exception cref="ArgumentException">A name is blank, or a class has no name.</exception>
    public static IReadOnlyList<TileLabel> ForClassImages(Explanation pictures, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(pictures);
        ClassNames.Check(classNames, nameof(classNames));
        return [.. pictures.Targets.Select((c, i) => new TileLabel(null, null, pictures.TargetProbabilities?[i], ClassNames.Of(classNames, c, nameof(classNames))))];
    }
}
