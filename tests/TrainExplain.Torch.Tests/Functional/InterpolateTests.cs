using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Functional;

/// <summary>
/// interpolate with PyTorch's coordinate rules on [[1, 2], [3, 4]] (value 1 + x + 2 y at source position (y, x)):
/// bilinear with align_corners=false samples src = (dst + 0.5) in / out - 0.5, clamped at 0; with align_corners=true
/// src = dst (in - 1) / (out - 1); nearest takes floor(dst in / out).
/// </summary>
public sealed class InterpolateTests
{
    [Fact]
    public void Bilinear_upsampling_without_aligned_corners_samples_half_pixel_centres()
    {
        using var scope = torch.NewDisposeScope();
        // 2 -> 4: src = (0.5, 1.5, 2.5, 3.5) / 2 - 0.5 = (-0.25 -> 0, 0.25, 0.75, 1.25 -> edge 1).
        double[] p = [0, 0.25, 0.75, 1];

        var y = torch.nn.functional.interpolate(Square(), 4, 4, InterpolationMode.Bilinear, align_corners: false);

        TensorAssert.Close(Plane(p, p), y);
    }

    [Fact]
    public void Bilinear_upsampling_with_aligned_corners_keeps_the_corner_values()
    {
        using var scope = torch.NewDisposeScope();
        // 2 -> 4: src = dst / 3 (rows), 2 -> 3: src = dst / 2 (columns).
        var y = torch.nn.functional.interpolate(Square(), 4, 3, InterpolationMode.Bilinear, align_corners: true);

        Assert.Equal([1L, 1, 4, 3], y.shape);
        TensorAssert.Close(Plane([0, 1.0 / 3, 2.0 / 3, 1], [0, 0.5, 1]), y);
    }

    [Fact]
    public void Bilinear_downsampling_without_aligned_corners_averages_neighbouring_pixels()
    {
        using var scope = torch.NewDisposeScope();
        // 4x4 of value 1 + x + 2 y at integer (y, x) -> 2x2: src = (dst + 0.5) 2 - 0.5 = 0.5, 2.5: halfway between pixels.
        double[] source = [.. Enumerable.Range(0, 16).Select(i => 1.0 + i % 4 + 2 * (i / 4))];
        var y = torch.nn.functional.interpolate(torch.tensor(source, [1, 1, 4, 4]), 2, 2);

        TensorAssert.Close([1 + 0.5 + 1, 1 + 2.5 + 1, 1 + 0.5 + 5, 1 + 2.5 + 5], y);
    }

    [Fact]
    public void Nearest_upsampling_repeats_each_source_pixel()
    {
        using var scope = torch.NewDisposeScope();
        // 2 -> 4: floor(dst / 2) = (0, 0, 1, 1).
        var y = torch.nn.functional.interpolate(Square(), 4, 4, InterpolationMode.Nearest);

        TensorAssert.Close([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], y, 0, 0);
    }

    [Fact]
    public void Nearest_downsampling_takes_the_floor_of_the_scaled_index()
    {
        using var scope = torch.NewDisposeScope();
        // 1x5 -> 1x3 over columns: floor(dst 5 / 3) = (0, 1, 3).
        var y = torch.nn.functional.interpolate(torch.tensor(new double[] { 10, 11, 12, 13, 14 }, [1, 1, 1, 5]), 1, 3, InterpolationMode.Nearest);

        TensorAssert.Close([10, 11, 13], y, 0, 0);
    }

    [Fact]
    public void Interpolate_refuses_an_input_that_is_not_four_dimensional()
    {
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => torch.nn.functional.interpolate(torch.ones([2, 2]), 4, 4));

        Assert.Contains("[N, C, H, W]", e.Message);
    }

    [Fact]
    public void Nearest_mode_refuses_align_corners_as_PyTorch_does()
    {
        using var scope = torch.NewDisposeScope();
        var x = Square();

        var e = Assert.Throws<ArgumentException>(() => torch.nn.functional.interpolate(x, 4, 4, InterpolationMode.Nearest, align_corners: true));

        Assert.Contains("align_corners", e.Message);
        Assert.Contains("Bilinear", e.Message);
    }

    private static Tensor Square() => torch.tensor(new double[] { 1, 2, 3, 4 }, [1, 1, 2, 2]);

    // The bilinear interpolation of [[1, 2], [3, 4]] is exactly 1 + x + 2 y at source row y and column x.
    private static double[] Plane(double[] rows, double[] columns) =>
        [.. rows.SelectMany(y => columns.Select(x => 1 + x + 2 * y))];
}
