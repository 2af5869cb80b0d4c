namespace TrainExplain.Explainers;

/// <summary>
/// How an attribution's saliency maps become heat in [0, 1] for display: a per-image function of the maps [N, H, W]
/// and the words the color bar says about it. The library's are <see cref="Percentile"/> and <see cref="MinMax"/>; a
/// third-party method writes <c>new Normalization(maps =&gt; ..., "per image: ...")</c>.
/// </summary>
public sealed record Normalization
{
    /// <summary>Creates a normalization.</summary>
    /// <param name="apply">The maps [N, H, W] to heat [N, H, W] in [0, 1], each image on its own.</param>
    /// <param name="description">What 0 and 1 mean, for the color bar, e.g. <c>per image: 0 = its minimum, 1 = its maximum</c>.</param>
    public Normalization(Func<Tensor, Tensor> apply, string description)
    {
        ArgumentNullException.ThrowIfNull(apply);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        (Apply, Description) = (apply, description);
    }

    /// <summary><see cref="Heatmaps.Percentile"/>: the 99th percentile of each image's saliency and above is 1.</summary>
    public static Normalization Percentile { get; } = new(Heatmaps.Percentile, "per image: 0 = no saliency, 1 = the image's 99th percentile or more");

    /// <summary><see cref="Heatmaps.MinMax"/>: each image's minimum is 0, its maximum 1.</summary>
    public static Normalization MinMax { get; } = new(Heatmaps.MinMax, "per image: 0 = its minimum, 1 = its maximum");

    /// <summary>The maps [N, H, W] to heat [N, H, W] in [0, 1].</summary>
    public Func<Tensor, Tensor> Apply { get; }

    /// <summary>What 0 and 1 mean, as the color bar says it.</summary>
    public string Description { get; }
}
