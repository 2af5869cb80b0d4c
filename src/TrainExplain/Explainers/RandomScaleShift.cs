namespace TrainExplain.Explainers;

/// <summary>
/// One random zoom and translation per image, for transformation robustness (Olah et al. 2017, "Feature
/// Visualization"): the model sees each image scaled by s about its center and shifted by (dy, dx) pixels, sampled
/// bilinearly; what moves in from outside is the fill value. Differentiable, so the gradient reaches the untransformed
/// image.
/// </summary>
/// <param name="Scale">The zoom factor (above 1 enlarges).</param>
/// <param name="Dy">The downward shift in pixels.</param>
/// <param name="Dx">The rightward shift in pixels.</param>
internal readonly record struct RandomScaleShift(double Scale, int Dy, int Dx)
{
    /// <summary>A zoom in [1 - <paramref name="scale"/>, 1 + <paramref name="scale"/>] and shifts in [-jitter, jitter].</summary>
    internal static RandomScaleShift Draw(Random random, double scale, int jitter) =>
        new(1 + (scale * ((2 * random.NextDouble()) - 1)), random.Next(-jitter, jitter + 1), random.Next(-jitter, jitter + 1));

    /// <summary>Applies <paramref name="transforms"/>[i] to image i of <paramref name="images"/> [N, C, H, W].</summary>
    internal static Tensor Apply(Tensor images, IReadOnlyList<RandomScaleShift> transforms, double fill)
    {
        var (height, width) = (images.size(2), images.size(3));
        // affine_grid maps each output position to the input position it samples, in [-1, 1] coordinates: the inverse map.
        var theta = transforms.SelectMany(t => new[]
        {
            (float)(1 / t.Scale), 0f, (float)(-2.0 * t.Dx / width),
            0f, (float)(1 / t.Scale), (float)(-2.0 * t.Dy / height),
        }).ToArray();
        var grid = torch.nn.functional.affine_grid(torch.tensor(theta, [transforms.Count, 2, 3], device: images.device), images.shape, align_corners: false);
        return torch.nn.functional.grid_sample(images - fill, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false) + fill;
    }
}
