using TrainExplain.Metrics;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Metrics;

/// <summary>
/// Deletion and insertion on a model whose probability is a known function of the kept pixels: logits
/// [w . x, 0] over a 2x2 image, so p(class 0) = sigmoid(sum of w_i x_i) and every AUC has a closed form.
/// </summary>
public sealed class DeletionInsertionTests
{
    private static readonly float[] Weights = [2.0f, -1.0f, 0.5f, 1.5f];

    [Fact]
    public void Both_curves_match_the_closed_form_for_a_saliency_order()
    {
        using var scope = torch.NewDisposeScope();
        var model = LinearModel();
        var x = torch.ones(1, 1, 2, 2);
        var saliency = torch.tensor(new float[] { 4, 3, 2, 1 }, [1, 2, 2]);

        var scores = new DeletionInsertion(model, steps: 4).Measure(x, saliency, torch.tensor(new long[] { 0 }));

        Assert.Equal(ExpectedAuc(deletion: true, order: [0, 1, 2, 3], steps: 4), scores.Deletion[0], 6);
        Assert.Equal(ExpectedAuc(deletion: false, order: [0, 1, 2, 3], steps: 4), scores.Insertion[0], 6);
    }

    [Fact]
    public void Ties_are_broken_by_ascending_flat_index()
    {
        using var scope = torch.NewDisposeScope();
        var model = LinearModel();
        var x = torch.ones(1, 1, 2, 2);
        var tied = torch.tensor(new float[] { 1, 5, 1, 5 }, [1, 2, 2]);   // order 1, 3, then 0, 2

        var scores = new DeletionInsertion(model, steps: 4).Measure(x, tied, torch.tensor(new long[] { 0 }));

        // Within 1e-6 (a float's rounding), not "to 6 places": the exact 0.8137255012 rounds up, its nearest float down.
        Assert.Equal(ExpectedAuc(deletion: true, order: [1, 3, 0, 2], steps: 4), scores.Deletion[0], 1e-6);
        Assert.Equal(ExpectedAuc(deletion: false, order: [1, 3, 0, 2], steps: 4), scores.Insertion[0], 1e-6);
    }

    [Fact]
    public void One_step_is_the_trapezoid_of_the_two_ends()
    {
        using var scope = torch.NewDisposeScope();
        var model = LinearModel();
        var x = torch.ones(1, 1, 2, 2);

        var scores = new DeletionInsertion(model, steps: 1).Measure(x, torch.rand(1, 2, 2), torch.tensor(new long[] { 0 }));

        var (all, none) = (Sigmoid(Weights.Sum()), Sigmoid(0));
        Assert.Equal((all + none) / 2, scores.Deletion[0], 6);
        Assert.Equal((none + all) / 2, scores.Insertion[0], 6);
    }

    [Fact]
    public void The_fill_value_replaces_deleted_pixels()
    {
        using var scope = torch.NewDisposeScope();
        var model = LinearModel();
        var x = torch.ones(1, 1, 2, 2);

        var scores = new DeletionInsertion(model, steps: 1, fill: 0.5).Measure(x, torch.rand(1, 2, 2), torch.tensor(new long[] { 0 }));

        Assert.Equal((Sigmoid(Weights.Sum()) + Sigmoid(0.5 * Weights.Sum())) / 2, scores.Deletion[0], 6);
    }

    [Theory]
    [InlineData(784, 16, new long[] { 0, 49, 98, 147, 196, 245, 294, 343, 392, 441, 490, 539, 588, 637, 686, 735, 784 })]
    [InlineData(5, 2, new long[] { 0, 2, 5 })]            // 2.5 rounds half to even
    [InlineData(6, 4, new long[] { 0, 2, 3, 4, 6 })]      // 1.5 -> 2, 4.5 -> 4
    public void Step_counts_round_half_to_even(long pixels, int steps, long[] expected) =>
        Assert.Equal(expected, DeletionInsertion.StepCounts(pixels, steps));

    [Fact]
    public void Chunking_by_the_internal_batch_size_does_not_change_the_figures()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var model = SmallConvNet();
        var x = torch.rand(5, 1, 6, 6);
        var saliency = torch.rand(5, 6, 6);
        var classes = torch.tensor(new long[] { 0, 1, 2, 1, 0 });

        var whole = new DeletionInsertion(model, steps: 8).Measure(x, saliency, classes);
        var chunked = new DeletionInsertion(model, steps: 8, internalBatchSize: 7).Measure(x, saliency, classes);

        Assert.Equal(whole.Deletion, chunked.Deletion);
        Assert.Equal(whole.Insertion, chunked.Insertion);
    }

    [Fact]
    public void The_random_order_is_one_seeded_permutation_per_image()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        var model = SmallConvNet();
        var x = torch.rand(3, 1, 6, 6);
        var classes = torch.tensor(new long[] { 2, 0, 1 });
        using var generator = new torch.Generator(0);
        var ranks = torch.stack([.. Enumerable.Range(0, 3).Select(_ => torch.randperm(36, generator: generator))]);
        var saliency = torch.empty(3, 36).scatter_(1, ranks, torch.arange(36, 0, -1, ScalarType.Float32).expand(3, 36)).view(3, 6, 6);
        var metric = new DeletionInsertion(model, steps: 6);

        var random = metric.MeasureRandomOrder(x, classes, seed: 0);
        var same = metric.Measure(x, saliency, classes);

        Assert.Equal(same.Deletion, random.Deletion);
        Assert.Equal(same.Insertion, random.Insertion);
        Assert.Equal(random.Deletion, metric.MeasureRandomOrder(x, classes, seed: 0).Deletion);
    }

    [Fact]
    public void The_model_keeps_its_mode_and_nothing_leaks()
    {
        torch.manual_seed(5);
        var model = SmallConvNet();
        model.train();
        using var x = torch.rand(2, 1, 6, 6);
        using var saliency = torch.rand(2, 6, 6);
        using var classes = torch.tensor(new long[] { 1, 2 });
        var metric = new DeletionInsertion(model, steps: 4, internalBatchSize: 3);
        metric.Measure(x, saliency, classes);
        var baseline = LiveTensors.Baseline();

        for (var i = 0; i < 20; i++)
        {
            metric.Measure(x, saliency, classes);
            metric.MeasureRandomOrder(x, classes);
        }

        Assert.True(model.training);
        baseline.AssertUnchanged();
    }

    [Fact]
    public void Bad_shapes_name_the_parameter_and_the_expected_shape()
    {
        using var scope = torch.NewDisposeScope();
        var metric = new DeletionInsertion(LinearModel());
        var x = torch.ones(2, 1, 2, 2);

        var saliency = Assert.Throws<ArgumentException>(() => metric.Measure(x, torch.ones(2, 3, 3), torch.zeros(2, ScalarType.Int64)));
        Assert.Equal("saliency", saliency.ParamName);
        Assert.Contains("[2, 2, 2]", saliency.Message);
        var classes = Assert.Throws<ArgumentException>(() => metric.Measure(x, torch.ones(2, 2, 2), torch.zeros(3, ScalarType.Int64)));
        Assert.Equal("classes", classes.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeletionInsertion(LinearModel(), steps: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeletionInsertion(LinearModel(), fill: double.NaN));
    }

    private static double ExpectedAuc(bool deletion, int[] order, int steps)
    {
        var p = new double[steps + 1];
        for (var k = 0; k <= steps; k++)
        {
            var kept = deletion ? order.Skip(k) : order.Take(k);
            p[k] = Sigmoid(kept.Sum(i => (double)Weights[i]));
        }
        return (p.Sum() - ((p[0] + p[steps]) / 2)) / steps;
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static nn.Module<Tensor, Tensor> LinearModel()
    {
        var linear = nn.Linear(4, 2, hasBias: false);
        using (torch.no_grad())
        {
            linear.weight!.copy_(torch.tensor(Weights.Concat(new float[4]).ToArray(), [2, 4]));
        }
        return nn.Sequential(("flatten", nn.Flatten()), ("linear", linear));
    }

    private static nn.Module<Tensor, Tensor> SmallConvNet() => nn.Sequential(
        ("conv", nn.Conv2d(1, 4, 3, padding: 1)), ("relu", nn.ReLU()), ("pool", nn.AdaptiveAvgPool2d(1)),
        ("flatten", nn.Flatten()), ("fc", nn.Linear(4, 3)));
}
