using TrainExplain.Imaging;

namespace TrainExplain.Callbacks;

/// <summary>Options of <see cref="ExplainerCallback"/>.</summary>
public sealed record ExplainerCallbackOptions
{
    /// <summary>Explain every this many epochs (and at the first).</summary>
    public int Every { get; init; } = 1;

    /// <summary>
    /// The most this callback may take of the run's wall time, as a fraction in (0, 1], or null for no bound. From the
    /// second explained epoch on, an epoch that <see cref="Every"/> selects is skipped when explaining it, at what the last
    /// explained epoch cost (methods, figures and faithfulness), would bring this callback's share of the time since
    /// training began above the bound. Cheap explanations run at every selected epoch; costly ones (224-px photos, short
    /// epochs) every few, so the share stays under the bound whatever the epoch's length. The first selected epoch always
    /// runs: every run has a picture of its first epoch.
    /// </summary>
    public double? MaxTimeShare { get; init; }

    /// <summary>The clock that <see cref="MaxTimeShare"/> reads: the system's by default.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

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
