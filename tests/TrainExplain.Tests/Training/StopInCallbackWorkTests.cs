using TrainExplain.Callbacks;
using TrainExplain.Data;
using TrainExplain.Explainers;
using TrainExplain.Training;

namespace TrainExplain.Tests.Training;

/// <summary>
/// Issue 22, item 4: a stop request reaches the long work of the callbacks. The model's eval-mode passes are counted
/// from the epoch end on, and the stop is requested inside the k-th: the pass in progress finishes, the next chunk or
/// ascent step does not start, and Fit ends the run as at a batch boundary (train end run, the epoch's logs kept).
/// Without the check every pass of the work would run (hundreds here, millions at the command line's largest counts).
/// </summary>
public sealed class StopInCallbackWorkTests
{
    private const int StopAtPass = 3;

    [Fact]
    public void IntegratedGradientsStopsAtTheNextChunk()
    {
        var calls = FitStoppedDuring((model, images, labels) => new ExplainerCallback(new IntegratedGradients(model, steps: 400, internalBatchSize: 4), images, Targets.Labels(labels),
            options: new ExplainerCallbackOptions { Faithfulness = false }));

        Assert.Equal(StopAtPass, calls);
    }

    [Fact]
    public void DeletionAndInsertionCurvesStopAtTheNextChunk()
    {
        // Vanilla gradients and the tiles' labels take two passes; each curve's 2 x 401 points, in chunks of 256, four more.
        var calls = FitStoppedDuring((model, images, labels) => new ExplainerCallback(new VanillaGradients(model, internalBatchSize: 4), images, Targets.Labels(labels),
            options: new ExplainerCallbackOptions { FaithfulnessSteps = 400, RandomBaseline = false }), stopAtPass: 5);

        Assert.Equal(5, calls);
    }

    [Fact]
    public void ActivationMaximizationStopsAtTheNextStep()
    {
        var calls = FitStoppedDuring((model, _, _) => new ClassVisualizationCallback(new ActivationMaximization(model, [0, 1, 2], imageShape: [1, 6, 6], steps: 400)));

        Assert.Equal(StopAtPass, calls);
    }

    [Fact]
    public void OutsideARunTheWorkIsNotCutShort()
    {
        using var model = TrainingFixtures.SmallConvNet();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        torch.manual_seed(92);
        using var images = ValidationImages();
        using var labels = ValidationLabels();

        // A finished Fit leaves no stop request behind: its token, cancelled, does not reach a later direct call.
        using var run = new SmallRun(8);
        Trainer.Fit(run.Model, run.Optimizer, run.Loss, new BatchLoader(run.Data, 8), null, 1, cancellation: cancelled.Token);
        using var explanation = new IntegratedGradients(model, steps: 40, internalBatchSize: 4).Explain(images, Targets.Labels(labels));

        Assert.Equal([2L, 1, 6, 6], explanation.Raw.shape);
    }

    /// <summary>
    /// Fits two epochs with the callback <paramref name="create"/> makes, cancelling the run inside the
    /// <paramref name="stopAtPass"/>-th eval-mode pass of the model after the first epoch's end began; the passes counted.
    /// </summary>
    private static int FitStoppedDuring(Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, ITrainingCallback> create, int stopAtPass = StopAtPass)
    {
        torch.manual_seed(91);
        using var run = new SmallRun(16);
        using var images = ValidationImages();
        using var labels = ValidationLabels();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var (armed, calls) = (false, 0);
        var hook = run.Model.register_forward_hook((module, _, output) =>
        {
            if (armed && !module.training && ++calls == stopAtPass)
            {
                cancellation.Cancel();
            }
            return output;
        });
        var callback = create(run.Model, images, labels);
        var ends = new List<string>();
        var history = Trainer.Fit(run.Model, run.Optimizer, run.Loss, new BatchLoader(run.Data, 8), null, 2,
            [new MomentCallback(onEpochEnd: () => armed = true, onTrainEnd: () => ends.Add("train_end")), callback], cancellation: cancellation.Token);
        hook.remove();
        (callback as IDisposable)?.Dispose();

        Assert.Single(history);
        Assert.Equal(["train_end"], ends);
        Assert.True(run.Model.training, "the model's mode is restored");
        return calls;
    }

    private static Tensor ValidationImages() => torch.rand([2, 1, 6, 6]);

    private static Tensor ValidationLabels() => torch.tensor(new long[] { 0, 2 });

    /// <summary>Runs an action at an epoch's end and at the train's end.</summary>
    private sealed class MomentCallback(Action onEpochEnd, Action onTrainEnd) : ITrainingCallback
    {
        public void OnEpochEnd(TrainingContext context) => onEpochEnd();

        public void OnTrainEnd(TrainingContext context) => onTrainEnd();
    }
}
