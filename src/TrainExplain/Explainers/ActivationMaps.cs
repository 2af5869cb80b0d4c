using System.Globalization;

namespace TrainExplain.Explainers;

/// <summary>A layer's activations [N, K, h, w] (the <see cref="Explanation.Raw"/>), drawn per image as a grid of K gray channel tiles.</summary>
public sealed class ActivationMaps : Explanation
{
    internal ActivationMaps(ExplanationInfo info, string layer, Tensor activations, long[] targets, float[] scores)
        : base(info, activations, targets, scores) => Layer = layer;

    /// <summary>The dotted name of the layer whose activations these are.</summary>
    public string Layer { get; }

    /// <summary>The channels per row of each image's grid: ceil(sqrt(K)).</summary>
    public int ChannelColumns => (int)Math.Ceiling(Math.Sqrt(Raw.size(1)));

    /// <inheritdoc />
    protected override string? Layout => string.Create(CultureInfo.InvariantCulture,
        $"layer {Layer}: {Raw.size(1)} channels of {Raw.size(2)}x{Raw.size(3)} per image, channel c at row c / {ChannelColumns}, column c % {ChannelColumns}");
}
