using Microsoft.Extensions.Time.Testing;
using TrainExplain.Callbacks;
using TrainExplain.Explainers;
using TrainExplain.Tests.Training;
using TrainExplain.Training;

namespace TrainExplain.Tests.Callbacks;

/// <summary>
/// Issue 23, item 6: with <see cref="ExplainerCallbackOptions.MaxTimeShare"/> the explainer callback skips the epochs
/// that would take its share of the run's time over the bound. A fake clock makes each epoch's training and each
/// explanation cost a set time, so the explained epochs follow from the rule by hand.
/// </summary>
public sealed class TimeShareTests
{
    private static readonly TimeSpan EpochTime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ExplanationCost = TimeSpan.FromSeconds(2);

    /// <summary>Stands for the training work: the fake clock moves on by an epoch's time before the explainer runs.</summary>
    private sealed class EpochClock(FakeTimeProvider clock) : ITrainingCallback
    {
        public void OnEpochEnd(TrainingContext context) => clock.Advance(EpochTime);
    }

    /// <summary>Vanilla gradients that cost <see cref="ExplanationCost"/> on the fake clock.</summary>
    private sealed class CostlyExplainer(nn.Module<Tensor, Tensor> model, FakeTimeProvider clock) : IExplainer
    {
        private readonly VanillaGradients inner = new(model);

        public string Name => "Costly";

        public nn.Module<Tensor, Tensor> Model => model;

        public Explanation Explain(Tensor inputs, Targets targets)
        {
            clock.Advance(ExplanationCost);
            return inner.Explain(inputs, targets);
        }
    }

    private static ExplainerCallback Run(double? maxTimeShare, int epochs)
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var validation = TrainingFixtures.Bars(2, seed: 3);
        var (images, labels) = validation.Take(2);
        using var _ = images;
        using var __ = labels;
        var clock = new FakeTimeProvider();
        var callback = new ExplainerCallback(new CostlyExplainer(model, clock), images, Targets.Labels(labels),
            options: new ExplainerCallbackOptions { MaxTimeShare = maxTimeShare, Clock = clock, Faithfulness = false });
        CallbackTests.Fit(model, epochs, new EpochClock(clock), callback);
        callback.Dispose();
        return callback;
    }

    [Fact]
    public void AFivePercentBoundExplainsTheFirstEpochThenOnlyWhenTheShareStaysUnderIt()
    {
        var callback = Run(0.05, epochs: 12);
        // Epoch 1 always. Then (spent + 2) <= 0.05 (10 e + spent + 2): spent 2 first holds at e = 8 (4 <= 4.2, e = 7 gives
        // 3.7), spent 4 next at e = 12 (6 <= 6.3, e = 11 gives 5.8).
        Assert.Equal([1, 8, 12], callback.ExplainedEpochs);
        Assert.Equal(TimeSpan.FromSeconds(6), callback.TimeSpent);
        Assert.True(callback.TimeSpent / (12 * EpochTime + callback.TimeSpent) <= 0.05);
    }

    [Fact]
    public void WithoutABoundEveryEpochIsExplained()
    {
        var callback = Run(null, epochs: 4);
        Assert.Equal([1, 2, 3, 4], callback.ExplainedEpochs);
        Assert.Equal(4 * ExplanationCost, callback.TimeSpent);
    }

    [Fact]
    public void ABoundOfOneNeverSkips() => Assert.Equal([1, 2, 3], Run(1.0, epochs: 3).ExplainedEpochs);

    [Fact]
    public void ANullClockIsRefusedNamingTheOptions()
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var images = torch.zeros(1, 1, 8, 8);
        var error = Assert.Throws<ArgumentNullException>(() =>
            new ExplainerCallback(new VanillaGradients(model), images, Targets.Predicted, options: new ExplainerCallbackOptions { Clock = null! }));
        Assert.Equal("options", error.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.05)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void ABoundOutsideZeroToOneIsRefusedNamingTheOption(double share)
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var images = torch.zeros(1, 1, 8, 8);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ExplainerCallback(new VanillaGradients(model), images, Targets.Predicted, options: new ExplainerCallbackOptions { MaxTimeShare = share }));
        Assert.Contains("MaxTimeShare must be a fraction in (0, 1]", error.Message, StringComparison.Ordinal);
    }
}
