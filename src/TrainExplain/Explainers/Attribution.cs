namespace TrainExplain.Explainers;

/// <summary>
/// An input-space explanation: raw attributions, heatmaps [N, H, W] in [0, 1] drawn over the inputs, and, depending on
/// the method, the layer-resolution map (CAMs) or the completeness error (integrated gradients). All on the CPU.
/// </summary>
public sealed class Attribution : Explanation
{
    /// <summary>Creates the result from CPU tensors, which it takes over (see <see cref="ExplainContext.Attribution"/>, which makes them).</summary>
    /// <param name="info">The call that made it: method, cost, parameters, time.</param>
    /// <param name="raw">The raw attributions, [N, C, H, W] or [N, 1, H, W].</param>
    /// <param name="saliency">The per-image saliency [N, H, W] (<see cref="Saliency"/>).</param>
    /// <param name="heatmaps">The per-image heatmaps [N, H, W] in [0, 1].</param>
    /// <param name="inputs">The explained inputs [N, C, H, W].</param>
    /// <param name="targets">The class explained for each image.</param>
    /// <param name="scores">S_c(x) of each input for its target.</param>
    /// <param name="layerMap">The map at the layer's resolution [N, h, w], for CAM methods.</param>
    /// <param name="delta">The completeness error per image [N], for integrated gradients.</param>
    /// <param name="normalization">How the saliency became the heatmaps, in words, or null for a generic note.</param>
    /// <param name="flatMaps">Whether each image's saliency is flat, or null to find it from <paramref name="saliency"/> (<see cref="Explainers.Heatmaps.IsFlat"/>).</param>
    /// <exception cref="ArgumentException"><paramref name="flatMaps"/> does not have one flag per image.</exception>
    public Attribution(ExplanationInfo info, Tensor raw, Tensor saliency, Tensor heatmaps, Tensor inputs, long[] targets, float[] scores,
        Tensor? layerMap = null, Tensor? delta = null, string? normalization = null, bool[]? flatMaps = null) : base(info, raw, targets, scores)
    {
        ArgumentNullException.ThrowIfNull(saliency);
        ArgumentNullException.ThrowIfNull(heatmaps);
        ArgumentNullException.ThrowIfNull(inputs);
        flatMaps ??= FlatOf(saliency);
        if (flatMaps.Length != saliency.size(0))
        {
            throw new ArgumentException($"{saliency.size(0)} saliency maps but {flatMaps.Length} flat flags; give one per image.", nameof(flatMaps));
        }
        FlatMaps = flatMaps;
        Saliency = Own(saliency)!;
        Heatmaps = Own(heatmaps)!;
        Inputs = Own(inputs)!;
        LayerMap = Own(layerMap);
        Delta = Own(delta);
        Normalization = normalization ?? "per image, to [0, 1]";
    }

    /// <summary>How each image's saliency became its heatmap in [0, 1], in words (the color bar's note).</summary>
    public string Normalization { get; }

    /// <summary>
    /// Per-image saliency [N, H, W]: the map before display normalization, whose pixel order the faithfulness and
    /// stability metrics read (|raw| summed over channels for input-space methods, the upsampled CAM, ReLU(raw) for
    /// occlusion, the FullGrad sum).
    /// </summary>
    public Tensor Saliency { get; }

    /// <summary>Per-image heatmaps [N, H, W] in [0, 1].</summary>
    public Tensor Heatmaps { get; }

    /// <summary>
    /// Whether each image's <see cref="Saliency"/> is flat (constant up to float rounding, METHODS.md): its heatmap is
    /// all 0 and its tile in a figure (<c>TrainExplain.Imaging.ExplanationFigure.RenderFigure</c>) says <c>flat map</c>.
    /// </summary>
    public IReadOnlyList<bool> FlatMaps { get; }

    /// <summary>The explained inputs [N, C, H, W].</summary>
    public Tensor Inputs { get; }

    /// <summary>The map at the layer's resolution [N, h, w] (Grad-CAM and Grad-CAM++), else null.</summary>
    public Tensor? LayerMap { get; }

    /// <summary>Integrated gradients' completeness error per image, sum(raw) - (S(x) - S(x')), else null.</summary>
    public Tensor? Delta { get; }

    /// <summary>Which of the maps are flat, found on the CPU in a dispose scope of its own.</summary>
    private static bool[] FlatOf(Tensor saliency)
    {
        using var scope = torch.NewDisposeScope();
        return Explainers.Heatmaps.IsFlat(saliency).ToBools();
    }

    /// <inheritdoc />
    internal override IEnumerable<(string Name, Tensor Tensor)> ExtraTensors()
    {
        yield return ("saliency", Saliency);
        yield return ("heatmaps", Heatmaps);
        yield return ("inputs", Inputs);
        if (LayerMap is not null)
        {
            yield return ("layer_map", LayerMap);
        }
        if (Delta is not null)
        {
            yield return ("delta", Delta);
        }
    }
}
