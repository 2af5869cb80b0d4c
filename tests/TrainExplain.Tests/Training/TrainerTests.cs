using TrainExplain.Data;
using TrainExplain.Tests.Support;
using TrainExplain.Training;

namespace TrainExplain.Tests.Training;

public sealed class TrainerTests
{
    private sealed class RecordingCallback : ITrainingCallback
    {
        public List<string> Calls { get; } = [];

        public void OnTrainBegin(TrainingContext context) => Calls.Add("train_begin");
        public void OnEpochBegin(TrainingContext context) => Calls.Add($"epoch_begin {context.Epoch}");
        public void OnBatchEnd(TrainingContext context) => Calls.Add($"batch {context.Epoch}.{context.Batch} step {context.GlobalStep}");
        public void OnEpochEnd(TrainingContext context) => Calls.Add($"epoch_end {context.Epoch} val {context.Logs.ContainsKey(TrainingLogKeys.ValidationAccuracy)}");
        public void OnTrainEnd(TrainingContext context) => Calls.Add("train_end");
    }

    [Fact]
    public void FitLearnsAndCallsCallbacksAtEveryMoment()
    {
        torch.manual_seed(3);
        using var train = TrainingFixtures.Bars(96, seed: 1);
        using var validation = TrainingFixtures.Bars(48, seed: 2);
        using var model = TrainingFixtures.SmallConvNet();
        using var optimizer = optim.Adam(model.parameters(), lr: 0.05);
        using var loss = nn.CrossEntropyLoss();
        var recorder = new RecordingCallback();

        var history = Trainer.Fit(model, optimizer, loss, new BatchLoader(train, 32, shuffle: true, seed: 4), new BatchLoader(validation, 16), 4,
            callbacks: [recorder], cancellation: TestContext.Current.CancellationToken);

        Assert.Equal(4, history.Count);
        Assert.True(history[^1][TrainingLogKeys.ValidationAccuracy] >= 0.95, $"validation accuracy {history[^1][TrainingLogKeys.ValidationAccuracy]}");
        Assert.True(history[^1][TrainingLogKeys.Loss] < history[0][TrainingLogKeys.Loss]);
        Assert.Equal(0.05, history[0][TrainingLogKeys.LearningRate], 12);
        Assert.Equal(["train_begin", "epoch_begin 1", "batch 1.1 step 1", "batch 1.2 step 2", "batch 1.3 step 3", "epoch_end 1 val True", "epoch_begin 2"],
            recorder.Calls.Take(7));
        Assert.Equal("batch 4.3 step 12", recorder.Calls[^3]);
        Assert.Equal("train_end", recorder.Calls[^1]);
        Assert.True(model.training);
    }

    [Fact]
    public void EvaluateUsesEvalModeWithoutGradientsAndRestoresTheMode()
    {
        using var data = TrainingFixtures.Bars(20, seed: 5);
        using var model = TrainingFixtures.SmallConvNet();
        using var loss = nn.CrossEntropyLoss();
        var modes = new List<(bool Training, bool Grad)>();
        var hook = model.register_forward_hook((m, input, output) =>
        {
            modes.Add((m.training, torch.is_grad_enabled()));
            return output;
        });
        var means = Trainer.Evaluate(model, loss, new BatchLoader(data, 8));
        var (meanLoss, accuracy) = (means[TrainingLogKeys.Loss], means[TrainingLogKeys.Accuracy]);
        hook.remove();
        Assert.All(modes, m => Assert.Equal((false, false), m));
        Assert.Equal(3, modes.Count);
        Assert.True(double.IsFinite(meanLoss));
        Assert.InRange(accuracy, 0, 1);
        Assert.True(model.training);
        Assert.True(torch.is_grad_enabled());
    }

    [Fact]
    public void RepeatedEpochsLeakNoNativeTensors()
    {
        using var data = TrainingFixtures.Bars(40, seed: 6);
        using var model = TrainingFixtures.SmallConvNet();
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.01, momentum: 0.9);
        using var loss = nn.CrossEntropyLoss();
        var loader = new BatchLoader(data, 8, shuffle: true);
        var cancellation = TestContext.Current.CancellationToken;
        Trainer.Fit(model, optimizer, loss, loader, loader, 1, cancellation: cancellation);
        var baseline = LiveTensors.Baseline();
        Trainer.Fit(model, optimizer, loss, loader, loader, 3, cancellation: cancellation);
        baseline.AssertUnchanged();
    }

    [Fact]
    public void CancellationStopsAtTheNextBatchBoundaryWithoutThrowingAndStillEndsTraining()
    {
        using var data = TrainingFixtures.Bars(48, seed: 7);
        using var model = TrainingFixtures.SmallConvNet();
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.05);
        using var loss = nn.CrossEntropyLoss();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var recorder = new RecordingCallback();
        var canceller = new CancellingCallback(cancellation, epoch: 2, batch: 2);
        Trainer.Fit(model, optimizer, loss, new BatchLoader(data, 8), null, 1, cancellation: cancellation.Token);
        var baseline = LiveTensors.Baseline();

        var history = Trainer.Fit(model, optimizer, loss, new BatchLoader(data, 8), new BatchLoader(data, 16), 5, [recorder, canceller], cancellation: cancellation.Token);

        // Epoch 2 is cut after its second batch: no validation or epoch end for it, but the train end runs.
        Assert.Single(history);
        Assert.Equal(["batch 2.1 step 7", "batch 2.2 step 8", "train_end"], recorder.Calls[^3..]);
        Assert.DoesNotContain("epoch_end 2 val True", recorder.Calls);
        baseline.AssertUnchanged();
    }

    [Fact]
    public void AlreadyCancelledFitTrainsNothingButEndsTraining()
    {
        using var data = TrainingFixtures.Bars(16, seed: 8);
        using var model = TrainingFixtures.SmallConvNet();
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.05);
        using var loss = nn.CrossEntropyLoss();
        var recorder = new RecordingCallback();

        var history = Trainer.Fit(model, optimizer, loss, new BatchLoader(data, 8), null, 3, [recorder], cancellation: new CancellationToken(canceled: true));

        Assert.Empty(history);
        Assert.Equal(["train_begin", "train_end"], recorder.Calls);
    }

    /// <summary>Cancels <paramref name="source"/> at the end of one batch, as a Ctrl-C handler would.</summary>
    private sealed class CancellingCallback(CancellationTokenSource source, int epoch, int batch) : ITrainingCallback
    {
        public void OnBatchEnd(TrainingContext context)
        {
            if (context.Epoch == epoch && context.Batch == batch)
            {
                source.Cancel();
            }
        }
    }
}
