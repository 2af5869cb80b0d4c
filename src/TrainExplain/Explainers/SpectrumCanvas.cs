namespace TrainExplain.Explainers;

/// <summary>
/// Turns spectra into images: <c>lo + (hi - lo) sigmoid(logit(R') + F^-1(w * z))</c>, R' the reference mapped to
/// [0, 1] and kept a margin inside it, so a zero spectrum gives the reference back.
/// </summary>
internal sealed class SpectrumCanvas(Tensor reference, Tensor frequencyScale, double low, double high)
{
    // The reference is kept this far inside the range, where the sigmoid still moves.
    private const double ReferenceMargin = 0.02;

    // How far inside the range an image is kept when it is turned back into a spectrum (the sigmoid never reaches its ends).
    private const double InversionMargin = 1e-6;

    private readonly Tensor offset = (((reference - low) / (high - low)).clamp(ReferenceMargin, 1 - ReferenceMargin)).logit();

    /// <summary>The reference image [C, H, W].</summary>
    internal Tensor Reference { get; } = reference;

    /// <summary>The spectra [M, C, H, W/2 + 1, 2] whose <see cref="Image"/> is <paramref name="images"/> [M, C, H, W], each value kept 1e-6 of the range inside it (where the sigmoid is invertible).</summary>
    internal Tensor Spectrum(Tensor images)
    {
        var inside = ((images - low) / (high - low)).clamp(InversionMargin, 1 - InversionMargin);
        return FourierParameterization.ToSpectrum(inside.logit() - offset, frequencyScale);
    }

    /// <summary>The images [M, C, H, W] of spectra [M, C, H, W/2 + 1, 2].</summary>
    internal Tensor Image(Tensor spectrum)
    {
        var (height, width) = (Reference.size(1), Reference.size(2));
        return low + ((high - low) * (offset + FourierParameterization.ToImage(spectrum, frequencyScale, height, width)).sigmoid());
    }
}
