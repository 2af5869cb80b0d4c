namespace TrainExplain.Explainers;

/// <summary>
/// Images parameterized by their 2-D real Fourier spectrum, each frequency scaled by 1 / max(f, 1/max(H, W))^decay
/// (f in cycles per pixel, the largest scale 1): gradient steps on the spectrum then change coarse structure far more
/// than fine, which decorrelates the pixels as natural images are (Olah, Mordvintsev and Schubert 2017, "Feature
/// Visualization"; Mordvintsev et al. 2018, "Differentiable Image Parameterizations"). The spectrum is real
/// [..., H, W/2 + 1, 2] (real and imaginary parts), the transform orthonormal.
/// </summary>
internal static class FourierParameterization
{
    /// <summary>The spectrum's shape for images of <paramref name="leading"/> dimensions and size H x W.</summary>
    internal static long[] SpectrumShape(IEnumerable<long> leading, long height, long width) => [.. leading, height, (width / 2) + 1, 2];

    /// <summary>The scale [H, W/2 + 1] of each frequency: 1 / max(f, 1/max(H, W))^decay, divided by its largest value.</summary>
    internal static Tensor Scale(long height, long width, double decay, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var fy = torch.fft.fftfreq(height).unsqueeze(1);
        var fx = torch.fft.rfftfreq(width).unsqueeze(0);
        var lowest = 1.0 / Math.Max(height, width);
        var scale = (fy.square() + fx.square()).sqrt().clamp(min: lowest).pow(-decay) * Math.Pow(lowest, decay);
        return scale.to(ScalarType.Float32).to(device).MoveToOuterDisposeScope();
    }

    /// <summary>The images [..., H, W] of a scaled spectrum [..., H, W/2 + 1, 2].</summary>
    internal static Tensor ToImage(Tensor spectrum, Tensor scale, long height, long width) =>
        torch.fft.irfft2(torch.view_as_complex(spectrum) * scale, s: [height, width], norm: FFTNormType.Ortho);

    /// <summary>The spectrum [..., H, W/2 + 1, 2] whose <see cref="ToImage"/> is <paramref name="image"/> [..., H, W].</summary>
    internal static Tensor ToSpectrum(Tensor image, Tensor scale) =>
        torch.view_as_real(torch.fft.rfft2(image, norm: FFTNormType.Ortho) / scale);
}
