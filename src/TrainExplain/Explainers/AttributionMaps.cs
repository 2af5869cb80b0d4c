namespace TrainExplain.Explainers;

/// <summary>
/// What a method passed to <see cref="ExplainContext.Attribution"/>, on the inputs' device and in their dtype, owned by
/// the call's dispose scope: what a <see cref="NoiseTunnel"/> aggregates over the noisy copies.
/// </summary>
/// <param name="Raw">The raw attributions [M, C, H, W] or [M, 1, H, W].</param>
/// <param name="Normalize">The per-image normalization of the saliency to the heatmap.</param>
/// <param name="Passes">Forward+backward passes per image.</param>
/// <param name="LayerMap">The map at the layer's resolution [M, h, w], or null.</param>
/// <param name="Delta">The completeness error per image [M], or null.</param>
internal sealed record AttributionMaps(Tensor Raw, Normalization Normalize, int Passes, Tensor? LayerMap, Tensor? Delta);
