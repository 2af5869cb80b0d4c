using TorchSharp.Modules;
using TrainExplain.Explainers;

namespace TrainExplain.Tests.Explainers;

/// <summary>DeepLIFT (Rescale): values worked by hand, summation-to-delta on ReLU, conv, linear and max-pool nets, bad inputs.</summary>
public sealed class DeepLiftTests
{
    /// <summary>
    /// The two-unit net of <see cref="GuidedBackpropTests.TwoUnitNet"/>, zero baseline: h' = (0, -1), relu(h') = (0, 0), S(x') = 0.5.
    /// x = (2, 1): h = (1, 4), multipliers 1/1 and 4/5, so m = W1^T (1 * 1, -2 * 0.8) = (-2.2, -2.6) and
    /// raw = (-4.4, -2.6), summing to S(x) - S(x') = -6.5 - 0.5 = -7 (gradient x input: (-6, -3), summing to -9).
    /// x = (0.5, 1.5): h = (-1, 1.5), multipliers 0/-1 and 1.5/2.5, m = W1^T (0, -1.2) = (-2.4, -1.2), raw = (-1.2, -1.8)
    /// summing to -3 (gradient x input: (-2, -3)).
    /// </summary>
    [Fact]
    public void ReluMultipliersMatchTheRescaleRuleWorkedByHand()
    {
        using var scope = torch.NewDisposeScope();
        using var model = GuidedBackpropTests.TwoUnitNet();
        var x = torch.tensor(new float[] { 2, 1, 0.5f, 1.5f }, [2, 1, 1, 2]);
        using var deepLift = (Attribution)new DeepLift(model).Explain(x, Targets.Class(0));
        using var gradientInput = new GradientsInputs(model).Explain(x, Targets.Class(0));
        AssertWithin([-4.4f, -2.6f, -1.2f, -1.8f], deepLift.Raw.ToFloats(), 1e-6);
        Assert.Equal([-6f, -3, -2, -3], gradientInput.Raw.ToFloats());
        AssertWithin([0f, 0f], deepLift.Delta!.ToFloats(), 1e-6);
    }

    /// <summary>
    /// 2x2 max-pool -> S = 2 y + 0.5, baseline [[0, 0], [4, 0]] (y' = 4, won at position 2) for both images.
    /// x = [[1, 3], [2, 0]]: y = 3, m = max(3, 4) = 4; x's winner (position 1) gets m - y' = 0, the baseline's winner
    /// (position 2) gets y - m = -1, so raw = 2 * (0, 0, -1, 0) (gradient x input: (0, 6, 0, 0)).
    /// x = [[5, 1], [1, 1]]: y = 5, m = 5; x's winner (position 0) gets 1, position 2 gets 0: raw = (2, 0, 0, 0).
    /// </summary>
    [Fact]
    public void MaxPoolSplitsEachWindowsDifferenceBetweenTheTwoWinners()
    {
        using var scope = torch.NewDisposeScope();
        using var model = nn.Sequential(("pool", nn.MaxPool2d(2)), ("flatten", nn.Flatten()), ("out", nn.Linear(1, 1)));
        model.load_state_dict(new Dictionary<string, Tensor>
        {
            ["out.weight"] = torch.tensor(new float[] { 2 }, [1, 1]),
            ["out.bias"] = torch.tensor(new float[] { 0.5f }),
        });
        var x = torch.tensor(new float[] { 1, 3, 2, 0, 5, 1, 1, 1 }, [2, 1, 2, 2]);
        var baseline = torch.tensor(new float[] { 0, 0, 4, 0 }, [1, 2, 2]);
        using var deepLift = (Attribution)new DeepLift(model, baseline).Explain(x, Targets.Class(0));
        using var gradientInput = new GradientsInputs(model).Explain(x, Targets.Class(0));
        AssertWithin([0f, 0, -2, 0, 2, 0, 0, 0], deepLift.Raw.ToFloats(), 1e-6);
        Assert.Equal([0f, 6, 0, 0, 10, 0, 0, 0], gradientInput.Raw.ToFloats());
        AssertWithin([0f, 0f], deepLift.Delta!.ToFloats(), 1e-6);
    }

    /// <summary>
    /// Summation-to-delta: each image's attributions add up to S_c(x) - S_c(x') within 1e-5 of |S_c(x) - S_c(x')|, on
    /// a conv/ReLU/linear net and on a conv/ReLU/max-pool net with overlapping, padded windows, for the zero, a scalar
    /// and a per-image random baseline, chunked (B = 3: one image and its baseline per pass) or not. In float64, so
    /// that the rounding of S itself (float32: about 1e-7 of |S|, more than 1e-5 of a small difference) does not decide.
    /// </summary>
    [Fact]
    public void AttributionsSumToTheScoreDifference()
    {
        torch.manual_seed(43);
        using var scope = torch.NewDisposeScope();
        using var plain = ExplainerModels.NestedConvNet().to(ScalarType.Float64);
        using var pooled = PooledNet().to(ScalarType.Float64);
        var x = torch.rand([5, 1, 12, 12], ScalarType.Float64);
        var x8 = x.narrow(2, 0, 8).narrow(3, 0, 8).contiguous();
        foreach (var (name, model, inputs) in new (string, Sequential, Tensor)[] { ("conv/ReLU/linear", plain, x8), ("max-pool", pooled, x) })
        {
            foreach (var baseline in new Tensor?[] { null, torch.tensor(0.3), torch.rand(inputs.shape, ScalarType.Float64) })
            {
                foreach (var batch in new[] { 3, 256 })
                {
                    using var explanation = (Attribution)new DeepLift(model, baseline, internalBatchSize: batch).Explain(inputs, Targets.Predicted);
                    var reference = baseline is null ? torch.zeros_like(inputs) : baseline.expand(inputs.shape);
                    var classes = torch.tensor(explanation.Targets);
                    using var noGrad = torch.no_grad();
                    var difference = Doubles((model.call(inputs).gather(1, classes.unsqueeze(1)) - model.call(reference).gather(1, classes.unsqueeze(1))).squeeze(1));
                    // The result's raw map is a float32 copy: its sum also carries that copy's rounding, about 6e-8 of sum |raw|.
                    var raw = explanation.Raw.to(ScalarType.Float64).flatten(1);
                    var (sums, magnitudes) = (Doubles(raw.sum(1)), Doubles(raw.abs().sum(1)));
                    var delta = Doubles(explanation.Delta!);
                    for (var i = 0; i < sums.Length; i++)
                    {
                        var tolerance = 1e-5 * Math.Abs(difference[i]);
                        Assert.True(Math.Abs(delta[i]) <= tolerance, $"{name} B={batch} image {i}: delta {delta[i]}, S(x) - S(x') = {difference[i]}");
                        Assert.True(Math.Abs(sums[i] - difference[i]) <= tolerance + (1e-7 * magnitudes[i]), $"{name} B={batch} image {i}: attributions sum to {sums[i]}, S(x) - S(x') = {difference[i]}");
                    }
                }
            }
        }
    }

    [Fact]
    public void BadBaselinesAndBatchSizesGetClearErrors()
    {
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([2, 1, 8, 8]);
        var wrongShape = Assert.Throws<ArgumentException>(() => new DeepLift(model, torch.zeros([2, 8, 8])).Explain(x, Targets.Predicted));
        Assert.Equal("baseline", wrongShape.ParamName);
        Assert.Contains("[2, 8, 8] does not broadcast to the inputs [2, 1, 8, 8]", wrongShape.Message);
        var notFinite = Assert.Throws<ArgumentException>(() => new DeepLift(model, torch.tensor(float.NaN)).Explain(x, Targets.Predicted));
        Assert.Contains("1 NaN or infinite", notFinite.Message);
        var batch = Assert.Throws<ArgumentOutOfRangeException>(() => new DeepLift(model, internalBatchSize: 1));
        Assert.Equal("internalBatchSize", batch.ParamName);
        Assert.Contains("2 or more", batch.Message);
    }

    /// <summary>conv (padding 1) -> ReLU -> 2x2 max-pool -> conv -> ReLU -> 3x3 max-pool, stride 2, padding 1 (overlapping) -> linear, on 12 x 12.</summary>
    private static Sequential PooledNet() => nn.Sequential(
        ("conv1", nn.Conv2d(1, 4, 3, padding: 1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(4, 6, 3)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(3, stride: 2, padding: 1)),
        ("flatten", nn.Flatten()), ("fc", nn.Linear(6 * 2 * 2, 3)));

    private static double[] Doubles(Tensor tensor) => tensor.to(ScalarType.Float64).data<double>().ToArray();

    private static void AssertWithin(float[] expected, float[] actual, double absolute)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= absolute, $"element {i}: {actual[i]}, expected {expected[i]}");
        }
    }
}
