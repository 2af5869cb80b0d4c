using TrainExplain.Imaging;

namespace TrainExplain.Explainers;

/// <summary>
/// An input-space explanation: raw attributions, heatmaps [N, H, W] in [0, 1] drawn over the inputs, and, depending on
/// the method, the layer-resolution map (CAMs) or the completeness error (integrated gradients). All on the CPU.
/// </summary>
public sealed class Attribution : Explanation
{
    /// <summary>The note under the tile of an image whose saliency is flat (<see cref="FlatMaps"/>).</summary>
    internal const string FlatNote = "flat map";

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

    /// <summary>How each image's saliency became its heatmap in [0, 1], in words (the colour bar's note).</summary>
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
    /// all 0 and its tile in <see cref="Explanation.RenderFigure"/> says <c>flat map</c>.
    /// </summary>
    public IReadOnlyList<bool> FlatMaps { get; }

    /// <summary>The explained inputs [N, C, H, W].</summary>
    public Tensor Inputs { get; }

    /// <summary>The map at the layer's resolution [N, h, w] (Grad-CAM and Grad-CAM++), else null.</summary>
    public Tensor? LayerMap { get; }

    /// <summary>Integrated gradients' completeness error per image, sum(raw) - (S(x) - S(x')), else null.</summary>
    public Tensor? Delta { get; }

    /// <summary>Each heatmap blended over its input (inputs are shown as they are, clamped to [0, 1]).</summary>
    public override IReadOnlyList<Image> RenderImages(RenderOptions? options = null)
    {
        var o = options ?? new RenderOptions();
        var (n, c, h, w) = ((int)Inputs.size(0), (int)Inputs.size(1), (int)Inputs.size(2), (int)Inputs.size(3));
        var pixels = Inputs.ToFloats();
        var heat = Heatmaps.ToFloats();
        var images = new Image[n];
        for (var i = 0; i < n; i++)
        {
            var input = Image.FromPlanar(pixels.AsSpan(i * c * h * w, c * h * w), c, h, w);
            images[i] = Overlay.Blend(input, heat.AsSpan(i * h * w, h * w), o.Palette, o.Alpha).UpscaleNearest(o.Upscale);
        }
        return images;
    }

    /// <summary>The colormap from heat 0 to 1, and <see cref="Normalization"/>.</summary>
    public override ColorLegend Legend(RenderOptions? options = null) => new((options ?? new RenderOptions()).Palette, "0", "1", $"heat, {Normalization}");

    /// <summary>Which of the maps are flat, found on the CPU in a dispose scope of its own.</summary>
    private static bool[] FlatOf(Tensor saliency)
    {
        using var scope = torch.NewDisposeScope();
        return Explainers.Heatmaps.IsFlat(saliency).ToBools();
    }

    /// <summary><c>flat map</c> under the tile of an image whose saliency is flat.</summary>
    protected override string? TileNote(int index) => FlatMaps[index] ? FlatNote : null;

    /// <inheritdoc />
    protected override IEnumerable<(string Name, Tensor Tensor)> ExtraTensors()
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
