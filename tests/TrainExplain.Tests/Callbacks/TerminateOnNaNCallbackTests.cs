using TrainExplain.Callbacks;
using TrainExplain.Data;
using TrainExplain.Explainers;
using TrainExplain.TensorBoard;
using TrainExplain.Testing;
using TrainExplain.Tests.Training;
using TrainExplain.Training;

namespace TrainExplain.Tests.Callbacks;

/// <summary>
/// Issue 13, item 3: a diverging run (a learning rate of 1e20) is stopped at its first non-finite loss and recorded:
/// the NaN loss as a scalar, the finite part of the histograms, explanations drawn with their NaN values as 0.
/// </summary>
public sealed class TerminateOnNaNCallbackTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("divergence").FullName;

    /// <summary>Records each batch's running loss, as the loop reports it.</summary>
    private sealed class LossRecorder : ITrainingCallback
    {
        public List<(int Epoch, int Batch, double Loss)> Losses { get; } = [];

        public void OnBatchEnd(TrainingContext context) => Losses.Add((context.Epoch, context.Batch, context.RunningLoss()));
    }

    [Fact]
    public void ADivergingRunStopsAtItsFirstNonFiniteLossAndIsRecorded()
    {
        torch.manual_seed(5);
        using var train = TrainingFixtures.Bars(64, seed: 1);
        using var validation = TrainingFixtures.Bars(8, seed: 2);
        using var model = TrainingFixtures.SmallConvNet();
        using var optimizer = optim.SGD(model.parameters(), learningRate: 1e20);
        using var loss = nn.CrossEntropyLoss();
        var (images, labels) = validation.Take(4);
        using var _ = images;
        using var __ = labels;
        var (messages, warnings) = (new StringWriter(), new StringWriter());
        var recorder = new LossRecorder();
        var terminate = new TerminateOnNaNCallback(messages);
        IReadOnlyList<IReadOnlyDictionary<string, double>> history;
        using (var writer = new TensorBoardWriter(directory))
        {
            using var explainers = new ExplainerCallback([new VanillaGradients(model), new GradCam(model)], images, Targets.Labels(labels), writer,
                Path.Combine(directory, "images"), new ExplainerCallbackOptions { Warnings = warnings });
            history = Trainer.Fit(model, optimizer, loss, new BatchLoader(train, 8), new BatchLoader(validation, 8), 3,
                [recorder, new ScalarsCallback(writer), new HistogramCallback(writer, warnings: warnings), explainers, terminate],
                cancellation: TestContext.Current.CancellationToken);
        }

        var first = recorder.Losses.FindIndex(l => !double.IsFinite(l.Loss));
        Assert.True(first >= 0, $"the loss never diverged: {string.Join(", ", recorder.Losses)}");
        var (epoch, batch, value) = recorder.Losses[first];
        Assert.Equal(recorder.Losses.Count - 1, first);   // no batch after the first non-finite loss
        Assert.True(terminate.Diverged);
        Assert.Contains($"became {value} at epoch {epoch}, batch {batch}/8", terminate.Message);
        Assert.Equal(terminate.Message + Environment.NewLine, messages.ToString());
        Assert.Equal(epoch, history.Count);   // the cut epoch still ended, with its logs

        var events = EventFileReader.ReadRun(directory).ToList();
        var losses = events.Scalars("loss/train");
        Assert.Equal(epoch, losses[^1].Step);
        Assert.False(float.IsFinite(losses[^1].Value), "the non-finite loss is logged as it is");
        Assert.Equal(epoch, events.ValuesOf("explain/VanillaGradients")[^1].Step);
        Assert.Equal(epoch, events.ValuesOf("explain/GradCam")[^1].Step);
        Assert.Contains("VanillaGradients has ", warnings.ToString());   // its heatmaps drew, the NaN as 0
        Assert.Contains("weights/conv.weight has ", warnings.ToString());
    }

    [Fact]
    public void AFiniteRunIsNotStopped()
    {
        using var model = TrainingFixtures.SmallConvNet();
        var terminate = new TerminateOnNaNCallback(TextWriter.Null);

        var history = CallbackTests.Fit(model, 2, terminate);

        Assert.Equal(2, history.Count);
        Assert.False(terminate.Diverged);
        Assert.Null(terminate.Message);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
