using TrainExplain.Imaging;

namespace TrainExplain.Callbacks;

/// <summary>Options of <see cref="ExplainerCallback"/>.</summary>
public sealed record ExplainerCallbackOptions
{
    /// <summary>Explain every this many epochs (and at the first).</summary>
    public int Every { get; init; } = 1;

    /// <summary>Also write each image as its own sample under <c>explain/&lt;Name&gt;/samples</c>.</summary>
    public bool WriteSamples { get; init; }

    /// <summary>
    /// The class names, index by index (e.g. Fashion-MNIST's ten), shown in the tiles' labels; null shows class indices.
    /// When given, every class the model predicts or is explained for needs a name.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Colormap, alpha, upscale and grid layout.</summary>
    public RenderOptions Render { get; init; } = new();

    /// <summary>
    /// Log each method's deletion and insertion AUC (<c>faithfulness/&lt;Name&gt;/deletion_auc</c>, <c>.../insertion_auc</c>)
    /// and, from the second explained epoch, its stability (<c>stability/&lt;Name&gt;</c>). Class targets only.
    /// </summary>
    public bool Faithfulness { get; init; } = true;

    /// <summary>S, the steps of each deletion and insertion curve.</summary>
    public int FaithfulnessSteps { get; init; } = 16;

    /// <summary>Also log the random-order baseline (<c>faithfulness/chance/...</c>, the chance level), unless another callback of the writer already does.</summary>
    public bool RandomBaseline { get; init; } = true;

    /// <summary>Where maps holding NaN or infinite values (a diverged model) are reported; null for standard error.</summary>
    public TextWriter? Warnings { get; init; }
}
