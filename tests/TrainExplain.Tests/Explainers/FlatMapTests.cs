using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Explainers;

/// <summary>
/// Flat maps (METHODS.md, Conventions: max - min &lt;= 1e-6 max|m|, NaN and infinities counted as 0) are drawn as 0 heat
/// by both normalizations, per image, and their tiles say <c>flat map</c>.
/// </summary>
public sealed class FlatMapTests
{
    /// <summary>One unit in the last place of float32 at 1: 2^-23.</summary>
    private const float Ulp = 1.0f / (1 << 23);

    /// <summary>The float32 right after 3.</summary>
    private static readonly float Three = MathF.BitIncrement(3f);

    private static bool[] Flags(Tensor maps) => Heatmaps.IsFlat(maps).ToBools();

    /// <summary>[N, 2, 2] float32 maps from N rows of 4 values.</summary>
    private static Tensor Maps(params float[][] rows) => torch.tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, 2, 2]);

    /// <summary>[N, 2, 2] float64 maps from N rows of 4 values.</summary>
    private static Tensor Maps(params double[][] rows) => torch.tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, 2, 2]);

    [Fact]
    public void ConstantMapsAllZeroIncludedAreFlatAndDrawAsZeroHeat()
    {
        using var scope = torch.NewDisposeScope();
        var maps = Maps([2.5f, 2.5f, 2.5f, 2.5f], [-3f, -3f, -3f, -3f], [0f, 0f, 0f, 0f]);
        var flat = Heatmaps.IsFlat(maps);
        Assert.Equal(ScalarType.Bool, flat.dtype);
        Assert.Equal([3L], flat.shape);
        Assert.Equal([true, true, true], flat.ToBools());
        // Before flat maps, percentile drew the constant 2.5 as all 1.
        Assert.All(Heatmaps.Percentile(maps).ToFloats(), v => Assert.Equal(0f, v));
        Assert.All(Heatmaps.MinMax(maps).ToFloats(), v => Assert.Equal(0f, v));
        Assert.Equal([3L, 2, 2], Heatmaps.MinMax(maps).shape);
    }

    [Fact]
    public void MapsConstantUpToRoundingAreFlatInBothPrecisions()
    {
        using var scope = torch.NewDisposeScope();
        // float32: 1 plus up to 8 ulps (range 9.54e-7 <= 1e-6 * (1 + 8 ulp)); 1 + 1e-8 rounds to 1 itself.
        var single = Maps([1f, 1f + Ulp, 1f + (8 * Ulp), 1f + (3 * Ulp)], [1f + 1e-8f, 1f, 1f - 1e-8f, 1f], [-5f, -5f * (1 + (4 * Ulp)), -5f, -5f]);
        // float64: 1 plus noise of 1e-8 (min-max used to stretch it to full scale).
        var random = new Random(5);
        var noisy = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 4).Select(_ => 1 + (1e-8 * random.NextDouble())).ToArray()).ToArray();
        var twice = Maps(noisy);
        Assert.NotEqual(noisy[0].Min(), noisy[0].Max());
        foreach (var maps in new[] { single, twice })
        {
            Assert.Equal([true, true, true], Flags(maps));
            Assert.All(Heatmaps.MinMax(maps).ToDoubles(), v => Assert.Equal(0d, v));
            Assert.All(Heatmaps.Percentile(maps).ToDoubles(), v => Assert.Equal(0d, v));
        }
    }

    [Fact]
    public void ARangeJustAboveTheThresholdIsNotFlatAndIsNormalizedAsBefore()
    {
        using var scope = torch.NewDisposeScope();
        // float64: flat iff r <= 1e-6 (1 + r), i.e. r <= 1.000001e-6.
        const double below = 1.0000009e-6, above = 1.0000011e-6;
        var maps = Maps([1, 1, 1, 1 + below], [1, 1, 1, 1 + above], [1e-30, 2e-30, 1e-30, 1e-30]);
        Assert.Equal([true, false, false], Flags(maps));
        // The tiny map is not flat: flatness is relative to the map's own magnitude.
        Assert.Equal([0d, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0], Heatmaps.MinMax(maps).ToDoubles());
        var percentile = Heatmaps.Percentile(maps).ToDoubles();
        Assert.All(percentile.Take(4), v => Assert.Equal(0d, v));
        // torch.quantile: sorted values, position 0.99 * 3 = 2.97, linear interpolation.
        var q = 1 + (0.97 * above);
        for (var p = 4; p < 7; p++)
        {
            Assert.Equal(1 / q, percentile[p], 1e-15);
        }
        Assert.Equal(1d, percentile[7]);
        const double tinyQ = 1e-30 + (0.97 * 1e-30);
        Assert.Equal([1e-30 / tinyQ, 1, 1e-30 / tinyQ, 1e-30 / tinyQ], percentile[8..], new ToleranceComparer(1e-15));

        // float32, in ulps of 1: a range of 8 ulps is flat, of 9 (1.07e-6) is not; min-max gives exactly 0 and 1.
        var single = Maps([1f, 1f, 1f, 1f + (8 * Ulp)], [1f, 1f, 1f, 1f + (9 * Ulp)]);
        Assert.Equal([true, false], Flags(single));
        Assert.Equal([0f, 0, 0, 0, 0, 0, 0, 1], Heatmaps.MinMax(single).ToFloats());
    }

    [Fact]
    public void NaNAndInfinitiesCountAsZeroInTheFlatTestAsInTheNormalizations()
    {
        using var scope = torch.NewDisposeScope();
        var maps = Maps(
            [2f, 2f, float.NaN, 2f], // 2, 2, 0, 2: not flat
            [0f, float.NaN, 0f, float.PositiveInfinity], // all 0: flat
            [float.NaN, float.NegativeInfinity, float.NaN, float.NaN], // all 0: flat
            [3f, Three, float.NaN, 3f]); // 0 beside 3: not flat, though 3 and the next float are
        Assert.Equal([false, true, true, false], Flags(maps));
        Assert.Equal([true], Flags(Maps([3f, Three, 3f, 3f])));
        Assert.Equal([1f, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3f / Three, 1, 0, 3f / Three], Heatmaps.MinMax(maps).ToFloats());
        // Percentile: the 99th percentile of (0, 2, 2, 2) is 2, of (0, 3, 3, Three) between 3 and Three.
        var percentile = Heatmaps.Percentile(maps).ToFloats();
        Assert.Equal([1f, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], percentile[..12]);
        Assert.Equal((1f, 0f), (percentile[13], percentile[14]));
        Assert.All(new[] { percentile[12], percentile[15] }, v => Assert.InRange(v, 3f / Three, 1f));
    }

    [Fact]
    public void EachImageIsJudgedOnItsOwn()
    {
        using var scope = torch.NewDisposeScope();
        float[] flatNoise = [7f, 7f * (1 + Ulp), 7f, 7f * (1 - Ulp)], contrast = [0.25f, 1f, 0.5f, 0.75f], zeros = [0f, 0f, 0f, 0f], constant = [4f, 4f, 4f, 4f];
        var batch = Maps(flatNoise, contrast, zeros, constant);
        Assert.Equal([true, false, true, true], Flags(batch));
        foreach (var normalize in new Func<Tensor, Tensor>[] { Heatmaps.MinMax, Heatmaps.Percentile })
        {
            var heat = normalize(batch).ToFloats();
            Assert.All(heat[..4].Concat(heat[8..]), v => Assert.Equal(0f, v));
            // The contrasting image's heat is what it gets alone, bit for bit.
            Assert.Equal(normalize(Maps(contrast)).ToFloats(), heat[4..8]);
        }
        Assert.Equal([0f, 1, 1f / 3, 2f / 3], Heatmaps.MinMax(Maps(contrast)).ToFloats());
        // The flags are per image whatever the batch: each image alone gets its flag in the batch.
        Assert.Equal([true, false, true, true], new[] { flatNoise, contrast, zeros, constant }.Select(r => Flags(Maps(r))[0]));
    }

    [Fact]
    public void GradCamOfAnAllZeroInputIsFlatZeroHeatAndSaysSoOnItsTile()
    {
        torch.manual_seed(93);
        using var model = ExplainerModels.NestedConvNet();
        using var scope = torch.NewDisposeScope();
        // Image 0 is all zero: every layer's output is constant over (h, w), so is the CAM (about 8.3e-4 here, its 6 x 6
        // upsampled to 8 x 8 with rounding in the last bits, which min-max used to stretch to full scale); image 1 is random.
        var x = torch.cat([torch.zeros([1, 1, 8, 8]), torch.rand([1, 1, 8, 8])]);
        using var cam = (Attribution)new GradCam(model).Explain(x, Targets.Of([2, 2]));
        Assert.Equal([true, false], cam.FlatMaps);
        Assert.Equal(Flags(cam.Saliency), cam.FlatMaps);
        Assert.True(cam.Saliency.ToFloats()[..64].Min() > 0, "the zero image's CAM is not 0");
        var heat = cam.Heatmaps.ToFloats();
        Assert.All(heat[..64], v => Assert.Equal(0f, v));
        Assert.Equal(1f, heat[64..].Max());
        Assert.Equal(0f, heat[64..].Min());
        // A percentile method: gradients x inputs of the zero image are all 0.
        using var products = (Attribution)new GradientsInputs(model).Explain(x, Targets.Of([2, 2]));
        Assert.Equal([true, false], products.FlatMaps);
        Assert.All(products.Heatmaps.ToFloats()[..64], v => Assert.Equal(0f, v));

        // The figure: the flat tile's label gets a last line, "flat map", in amber; the other has none.
        var labels = new[] { new TileLabel("0", "0", 0.5f, null), new TileLabel("1", "0", 0.5f, null) };
        var options = new RenderOptions(Upscale: 2);
        var tiles = LabelledTiles.Draw(cam.RenderImages(options), [labels[0] with { Note = "flat map" }, labels[1]]);
        var figure = cam.RenderFigure(labels, options: options);
        Assert.Equal(Figure.Compose(tiles, cam.Caption, cam.Legend(options), options.Columns, options.Padding), figure);
        // Two 16 px tiles over three label lines (true, pred, the note): 16 + 3 * 12 + 4 + 6 = 62 px.
        Assert.Equal(62, tiles[0].Height);
        Assert.True(Amber(tiles[0], 16 + 3 + 24) > 0, "the flat tile says flat map");
        Assert.Equal(0, Amber(tiles[1], 16 + 3 + 24));

        // Without labels the flat tile still says so, on a blank label.
        var unlabelled = cam.RenderFigure(options: options);
        var blank = LabelledTiles.Draw(cam.RenderImages(options), [new TileLabel(null, null, null, null) { Note = "flat map" }, new TileLabel(null, null, null, null)]);
        Assert.Equal(Figure.Compose(blank, cam.Caption, cam.Legend(options), options.Columns, options.Padding), unlabelled);
    }

    [Fact]
    public void IsFlatNamesAMissingArgument() =>
        Assert.Equal("maps", Assert.Throws<ArgumentNullException>(() => Heatmaps.IsFlat(null!)).ParamName);

    [Fact]
    public void FiguresWithoutFlatMapsAreUnchangedAndTheFlagsAreCheckedOrFound()
    {
        torch.manual_seed(94);
        using var model = ExplainerModels.NestedConvNet();
        using var scope = torch.NewDisposeScope();
        var x = torch.rand([2, 1, 8, 8]);
        using var cam = (Attribution)new GradCam(model).Explain(x, Targets.Of([0, 1]));
        Assert.Equal([false, false], cam.FlatMaps);
        var options = new RenderOptions(Upscale: 2);
        var tiles = cam.RenderImages(options);
        Assert.Equal(Figure.Compose(tiles, cam.Caption, cam.Legend(options), options.Columns, options.Padding), cam.RenderFigure(options: options));

        // Made by hand, the flags come from the saliency when not given, and must be one per image when given.
        var saliency = Maps([1f, 1f, 1f, 1f], [0f, 1f, 0f, 0f]);
        Attribution Make(bool[]? flags) => new(cam.Info, torch.zeros([2, 1, 2, 2]), saliency.clone(), Heatmaps.MinMax(saliency), torch.zeros([2, 1, 2, 2]),
            [0, 0], [0f, 0f], flatMaps: flags);
        using (var found = Make(null))
        {
            Assert.Equal([true, false], found.FlatMaps);
        }
        Assert.Contains("2 saliency maps but 1 flat flags", Assert.Throws<ArgumentException>(() => Make([true])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FullGradDropsFlatTermsAndActivationMapsDrawFlatChannelsBlack()
    {
        using var scope = torch.NewDisposeScope();
        // A flat term, min-max normalized, adds exactly 0; a sum of flat terms is flat.
        var flatTerm = Maps([5f, 5f * (1 + Ulp), 5f, 5f]);
        var term = Maps([0f, 2f, 1f, 0f]);
        var total = Heatmaps.MinMax(flatTerm) + Heatmaps.MinMax(term);
        Assert.Equal(Heatmaps.MinMax(term).ToFloats(), total.ToFloats());
        Assert.Equal([true], Flags(Heatmaps.MinMax(flatTerm) + Heatmaps.MinMax(flatTerm)));

        torch.manual_seed(95);
        using var model = ExplainerModels.NestedConvNet();
        using var maps = (ActivationMaps)new LayerActivations(model).Explain(torch.zeros([1, 1, 8, 8]), Targets.Of([0]));
        // Every channel of an all-zero input's activations is constant: every channel tile is black.
        var k = (int)maps.Raw.size(1);
        Assert.Equal(Enumerable.Repeat(true, k), Flags(maps.Raw.view(k, maps.Raw.size(2), maps.Raw.size(3))));
        var image = maps.RenderImages(new RenderOptions(Upscale: 1))[0];
        var background = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                // Gray: black channels, dark gray (64) between them.
                Assert.True(image[x, y, 0] is 0 or 64, $"({x}, {y}) is {image[x, y, 0]}");
                background += image[x, y, 0] == 64 ? 1 : 0;
            }
        }
        Assert.True(background > 0);
    }

    /// <summary>Amber (note) pixels in the rows of a labelled tile from <paramref name="top"/> down.</summary>
    private static int Amber(Image tile, int top)
    {
        var count = 0;
        for (var y = top; y < tile.Height - LabelledTiles.FrameWidth; y++)
        {
            for (var x = LabelledTiles.FrameWidth; x < tile.Width - LabelledTiles.FrameWidth; x++)
            {
                // Amber (255, 200, 60), anti-aliased on black: not white, gray, green or light red (255, 120, 120).
                var (r, g, b) = (tile[x, y, 0], tile[x, y, 1], tile[x, y, 2]);
                count += r > 60 && 3 * b < r && 2 * g > r ? 1 : 0;
            }
        }
        return count;
    }

    /// <summary>Equality within an absolute tolerance, for sequences of doubles.</summary>
    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
