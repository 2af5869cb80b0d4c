namespace TrainExplain.Explainers;

/// <summary>
/// Turns spectra into images: <c>lo + (hi - lo) sigmoid(logit(R') + F^-1(w * z))</c>, R' the reference mapped to
/// [0, 1] and kept a margin inside it, so a zero spectrum gives the reference back.
/// </summary>
internal sealed class SpectrumCanvas(Tensor reference, Tensor frequencyScale, double low, double high)
{
    // The reference is kept this far inside the range, where the sigmoid still moves.
    private const double ReferenceMargin = 0.02;

    private readonly Tensor offset = (((reference - low) / (high - low)).clamp(ReferenceMargin, 1 - ReferenceMargin)).logit();

    /// <summary>The reference image [C, H, W].</summary>
    internal Tensor Reference { get; } = reference;

    /// <summary>The images [M, C, H, W] of spectra [M, C, H, W/2 + 1, 2].</summary>
    internal Tensor Image(Tensor spectrum)
    {
        var (height, width) = (Reference.size(1), Reference.size(2));
        return low + ((high - low) * (offset + FourierParameterization.ToImage(spectrum, frequencyScale, height, width)).sigmoid());
    }
}
