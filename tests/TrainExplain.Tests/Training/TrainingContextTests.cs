using System.Reflection;
using TrainExplain.Training;

namespace TrainExplain.Tests.Training;

/// <summary>
/// Issue 12, item 3: callbacks read the training context and can only ask the loop to stop; the loop advances it. It
/// holds no tensors (so it needs no disposing), and its logs are a read-only copy.
/// </summary>
public sealed class TrainingContextTests
{
    /// <summary>Asks to stop at the first batch of <see cref="StopAt"/>, and records the batches and epochs it saw.</summary>
    private sealed class StoppingCallback(int stopAt) : ITrainingCallback
    {
        public int StopAt { get; } = stopAt;

        public List<string> Calls { get; } = [];

        public void OnBatchEnd(TrainingContext context)
        {
            Calls.Add($"batch {context.Epoch}.{context.Batch}");
            if (context.Epoch == StopAt && context.Batch == 1)
            {
                context.RequestStop();
                Assert.True(context.StopRequested);
            }
        }

        public void OnEpochEnd(TrainingContext context) => Calls.Add($"epoch_end {context.Epoch}");

        public void OnTrainEnd(TrainingContext context) => Calls.Add($"train_end {context.Epoch}");
    }

    /// <summary>Tries to change the logs it is shown.</summary>
    private sealed class LogsWriter : ITrainingCallback
    {
        public List<Exception> Refusals { get; } = [];

        public void OnEpochEnd(TrainingContext context)
        {
            Assert.IsNotType<Dictionary<string, double>>(context.Logs, exactMatch: false);
            var asDictionary = Assert.IsAssignableFrom<IDictionary<string, double>>(context.Logs);
            Assert.True(asDictionary.IsReadOnly);
            Refusals.Add(Assert.Throws<NotSupportedException>(() => asDictionary[TrainingLogKeys.Loss] = -1));
            Refusals.Add(Assert.Throws<NotSupportedException>(() => asDictionary.Add("mine", 1)));
        }
    }

    [Fact]
    public void CallbacksSeeNoPublicSetterAndNoTensor()
    {
        var type = typeof(TrainingContext);
        var writable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } || p.SetMethod is { IsFamily: true } || p.SetMethod is { IsFamilyOrAssembly: true })
            .Select(p => p.Name);
        Assert.Empty(writable);
        var fields = type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance);
        Assert.DoesNotContain(fields, f => f.IsPublic);
        Assert.DoesNotContain(fields, f => typeof(torch.Tensor).IsAssignableFrom(f.FieldType));
        Assert.False(typeof(IDisposable).IsAssignableFrom(type), "it holds no tensors, so there is nothing to dispose");
        // What a callback may do besides reading (RunningLoss, IsEveryEpochs): ask to stop. The rest of its public methods are the loop's.
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => !m.IsSpecialName).Select(m => m.Name).Order();
        Assert.Equal(["BeginEpoch", "EndBatch", "EndEpoch", "IsEveryEpochs", "RequestStop", "RunningLoss"], methods);
    }

    [Fact]
    public void LogsAreAReadOnlyCopy()
    {
        using var run = new SmallRun(16);
        var writer = new LogsWriter();
        var history = run.Fit(2, [writer]);
        Assert.Equal(4, writer.Refusals.Count);
        Assert.All(history, logs => Assert.False(logs.ContainsKey("mine")));
        Assert.All(history, logs => Assert.True(logs[TrainingLogKeys.Loss] > 0));

        // The loop's own dictionary is copied: changing it after EndEpoch changes nothing a callback sees.
        var context = new TrainingContext(run.Model, run.Optimizer, epochs: 1, batchesPerEpoch: 0);
        Assert.Empty(context.Logs);
        Assert.True(Assert.IsAssignableFrom<IDictionary<string, double>>(context.Logs).IsReadOnly);
        var loop = new Dictionary<string, double> { [TrainingLogKeys.Loss] = 1 };
        context.EndEpoch(loop);
        loop[TrainingLogKeys.Loss] = 2;
        Assert.Equal(1, context.Logs[TrainingLogKeys.Loss]);
    }

    [Fact]
    public void RequestStopEndsTheEpochAtTheNextBatchBoundaryThenTraining()
    {
        using var run = new SmallRun(32);
        var stopper = new StoppingCallback(stopAt: 2);

        var history = run.Fit(5, [stopper]);

        // As Keras 3's stop_training: epoch 2 ends after its first batch, and still gets its epoch end and logs.
        Assert.Equal(2, history.Count);
        Assert.Equal(["batch 1.1", "batch 1.2", "batch 1.3", "batch 1.4", "epoch_end 1", "batch 2.1", "epoch_end 2", "train_end 2"], stopper.Calls);
        Assert.True(double.IsFinite(history[1][TrainingLogKeys.Loss]));
    }

    [Fact]
    public void BadArgumentsNameTheParameter()
    {
        using var model = torch.nn.Linear(2, 2);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);

        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => new TrainingContext(null!, optimizer, 1, 1)).ParamName);
        Assert.Equal("optimizer", Assert.Throws<ArgumentNullException>(() => new TrainingContext(model, null!, 1, 1)).ParamName);
        Assert.Equal("epochs", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingContext(model, optimizer, 0, 1)).ParamName);
        Assert.Equal("batchesPerEpoch", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingContext(model, optimizer, 1, -1)).ParamName);
        var context = new TrainingContext(model, optimizer, 1, 1);
        Assert.Equal("epoch", Assert.Throws<ArgumentOutOfRangeException>(() => context.BeginEpoch(0)).ParamName);
        Assert.Equal("epochLogs", Assert.Throws<ArgumentNullException>(() => context.EndEpoch(null!)).ParamName);
        Assert.Equal("every", Assert.Throws<ArgumentOutOfRangeException>(() => context.IsEveryEpochs(0)).ParamName);
    }

    [Theory]
    [InlineData(1, new[] { 1, 2, 3, 4, 5, 6, 7 })]
    [InlineData(3, new[] { 1, 4, 7 })]
    [InlineData(10, new[] { 1 })]
    public void EveryNEpochsMeansTheFirstAndEveryNthAfterIt(int every, int[] due)
    {
        using var model = torch.nn.Linear(2, 2);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        var context = new TrainingContext(model, optimizer, epochs: 7, batchesPerEpoch: 1);
        var chosen = new List<int>();
        for (var epoch = 1; epoch <= 7; epoch++)
        {
            context.BeginEpoch(epoch);
            if (context.IsEveryEpochs(every))
            {
                chosen.Add(epoch);
            }
        }
        Assert.Equal(due, chosen);
    }
}
