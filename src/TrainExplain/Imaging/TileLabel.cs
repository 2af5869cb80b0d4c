namespace TrainExplain.Imaging;

/// <summary>
/// What a figure's tile says under its picture: the image's true class, the model's predicted class with its softmax
/// probability, and the class that was explained where it differs from the true class. A tile whose prediction differs
/// from its true class is framed red, a right one green, one without a true class gray. A <see cref="Note"/> (e.g.
/// <c>flat map</c>) goes on a last line of its own.
/// </summary>
/// <param name="TrueClass">The image's true class (name or index), or null when unknown.</param>
/// <param name="PredictedClass">The model's predicted class, or null when not known (e.g. a synthesized class image).</param>
/// <param name="Probability">The softmax probability of the predicted class (of the explained one when there is no prediction), or null.</param>
/// <param name="ExplainedClass">The class explained or optimized, where it differs from <paramref name="TrueClass"/>; else null.</param>
public sealed record TileLabel(string? TrueClass, string? PredictedClass, float? Probability, string? ExplainedClass)
{
    /// <summary>Whether the prediction matches the true class; null when either is unknown.</summary>
    public bool? IsCorrect => TrueClass is null || PredictedClass is null ? null : TrueClass == PredictedClass;

    /// <summary>A short remark about the picture, shown on the last line (e.g. <c>flat map</c>: its saliency is constant up to float rounding), or null.</summary>
    public string? Note { get; init; }

    /// <summary>
    /// The label's lines: a short key (<c>true</c>, <c>pred</c>, <c>expl</c>), the class and, right-aligned, the
    /// probability; the note last, with an empty key.
    /// </summary>
    internal IEnumerable<(string Key, string Class, float? Probability)> Lines()
    {
        if (TrueClass is not null)
        {
            yield return ("true", TrueClass, null);
        }
        if (PredictedClass is not null)
        {
            yield return ("pred", PredictedClass, Probability);
        }
        if (ExplainedClass is not null)
        {
            yield return ("expl", ExplainedClass, PredictedClass is null ? Probability : null);
        }
        if (Note is not null)
        {
            yield return ("", Note, null);
        }
    }
}
