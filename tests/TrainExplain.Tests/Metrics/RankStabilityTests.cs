using TrainExplain.Metrics;

namespace TrainExplain.Tests.Metrics;

public sealed class RankStabilityTests
{
    [Fact]
    public void Identical_and_reversed_orders_give_one_and_minus_one()
    {
        Assert.Equal(1.0, RankStability.Spearman([1, 2, 3, 4], [10, 20, 30, 40]), 12);
        Assert.Equal(-1.0, RankStability.Spearman([1, 2, 3, 4], [4, 3, 2, 1]), 12);
    }

    [Fact]
    public void Ties_share_the_average_of_their_ranks()
    {
        Assert.Equal([1, 2.5, 2.5, 4], RankStability.AverageRanks([1, 2, 2, 3]));
        Assert.Equal([2, 2, 2], RankStability.AverageRanks([7, 7, 7]));
        // ranks [1, 2.5, 2.5, 4] against [1, 2, 3, 4]: covariance 4.5, variances 4.5 and 5
        Assert.Equal(4.5 / Math.Sqrt(4.5 * 5), RankStability.Spearman([1, 2, 2, 3], [1, 2, 3, 4]), 12);
    }

    [Fact]
    public void Spearman_depends_on_ranks_only()
    {
        float[] a = [0.1f, 5f, 2f, 3f, -1f];
        float[] monotone = [.. a.Select(v => MathF.Exp(v))];
        float[] b = [3f, 1f, 4f, 1.5f, 9f];

        Assert.Equal(RankStability.Spearman(a, b), RankStability.Spearman(monotone, b), 12);
    }

    [Fact]
    public void A_constant_map_is_undefined_and_left_out_of_the_mean()
    {
        float[] previous = [1, 2, 3, 4, /* image 2 */ 5, 5, 5, 5, /* image 3 */ 1, 2, 3, 4];
        float[] current = [1, 2, 3, 4, /* image 2 */ 1, 2, 3, 4, /* image 3 */ 4, 3, 2, 1];

        var perImage = RankStability.PerImage(previous, current, pixels: 4);

        Assert.Equal(1.0, perImage[0], 12);
        Assert.True(double.IsNaN(perImage[1]));
        Assert.Equal(-1.0, perImage[2], 12);
        Assert.Equal(0.0, RankStability.Mean(perImage), 12);
        Assert.True(double.IsNaN(RankStability.Mean([double.NaN])));
    }

    [Fact]
    public void Mismatched_batches_are_refused()
    {
        Assert.Throws<ArgumentException>(() => RankStability.PerImage(new float[8], new float[4], pixels: 4));
        Assert.Throws<ArgumentException>(() => RankStability.PerImage(new float[6], new float[6], pixels: 4));
        Assert.Throws<ArgumentException>(() => RankStability.Spearman([1f], [1f]));
    }
}
