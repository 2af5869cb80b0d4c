using TrainExplain.Callbacks;
using TrainExplain.Data;
using TrainExplain.Explainers;
using TrainExplain.TensorBoard;
using TrainExplain.Testing;
using TrainExplain.Tests.Training;
using TrainExplain.Training;

namespace TrainExplain.Tests.UserModels;

/// <summary><see cref="Trainer.Fit"/> with every callback on models the project did not write.</summary>
public sealed class UserModelTrainingTests : IDisposable
{
    public static TheoryData<string> Kinds => UserModelZoo.Kinds;

    private readonly string directory = Directory.CreateTempSubdirectory("user-models").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void FitTrainsTheModelAndEveryCallbackDoesItsWork(string kind)
    {
        using var model = UserModelZoo.Create(kind, seed: 3);
        using var train = TrainingFixtures.Strokes(96, seed: 1);
        using var validation = TrainingFixtures.Strokes(48, seed: 2);
        var (images, labels) = validation.Take(4);
        using var _ = images;
        using var __ = labels;
        using var optimizer = optim.Adam(model.parameters(), lr: 0.05);
        using var loss = nn.CrossEntropyLoss();
        IExplainer[] methods = [new VanillaGradients(model), new GradCam(model), new FullGrad(model), new LayerActivations(model),
            new IntegratedGradients(model, steps: 4), new OcclusionSensitivity(model, patch: 2, stride: 2)];
        var checkpoints = new CheckpointCallback(Path.Combine(directory, "checkpoints"));
        using var progress = new StringWriter();
        var run = Path.Combine(directory, "run");
        IReadOnlyList<IReadOnlyDictionary<string, double>> history;
        using (var writer = new TensorBoardWriter(run))
        {
            using var explainers = new ExplainerCallback(methods, images, Targets.Labels(labels), writer, Path.Combine(run, "images"));
            history = Trainer.Fit(model, optimizer, loss, new BatchLoader(train, 16, shuffle: true, seed: 4), new BatchLoader(validation, 16), 6,
                [new ScalarsCallback(writer), new HistogramCallback(writer), explainers, checkpoints, new ProgressCallback(progress, interactive: false)],
                cancellation: TestContext.Current.CancellationToken);
        }

        Assert.True(history[^1][TrainingLogKeys.Loss] < history[0][TrainingLogKeys.Loss], $"{kind}: loss {history[0][TrainingLogKeys.Loss]} -> {history[^1][TrainingLogKeys.Loss]}");
        Assert.True(history[^1][TrainingLogKeys.ValidationAccuracy] >= 0.9, $"{kind}: validation accuracy {history[^1][TrainingLogKeys.ValidationAccuracy]}");
        Assert.True(model.training);
        var events = EventFileReader.ReadRun(run).ToList();
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], events.Scalars("accuracy/val").Select(s => s.Step));
        foreach (var (name, _) in model.named_parameters())
        {
            Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], events.ValuesOf($"weights/{name}").Select(v => v.Step));
        }
        foreach (var method in methods)
        {
            Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], events.ValuesOf($"explain/{method.Name}").Select(v => v.Step));
            Assert.True(File.Exists(Path.Combine(run, "images", method.Name.ToLowerInvariant(), "epoch_006.png")), method.Name);
        }
        Assert.Contains("epoch 6/6", progress.ToString());

        // The last checkpoint holds the trained state, BatchNorm's running statistics included, under the model's names.
        using var restored = UserModelZoo.Create(kind, seed: 99);
        ModelWeights.Load(restored, checkpoints.LastPath);
        UserModelExplainerTests.AssertSameState(UserModelExplainerTests.Snapshot(model), restored);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ExplainingDuringTrainingLeavesBatchNormStatisticsAndTheRandomStreamAlone(string kind)
    {
        using var scope = torch.NewDisposeScope();
        using var model = UserModelZoo.Create(kind);
        UserModelZoo.RandomizeBatchNormStatistics(model);
        using var data = TrainingFixtures.Strokes(4, seed: 5);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        IExplainer[] methods = [new GradCam(model), new FullGrad(model), new SmoothGrad(model, samples: 2), new LayerActivations(model)];
        using var callback = new ExplainerCallback(methods, data.Images, Targets.Labels(data.Labels));
        var context = TrainingFixtures.ContextAt(model, optimizer, 1);
        var state = UserModelExplainerTests.Snapshot(model);
        model.train();
        torch.manual_seed(43);
        var expected = torch.rand([4]).ToFloats();
        torch.manual_seed(43);
        callback.OnEpochEnd(context);
        Assert.Equal(expected, torch.rand([4]).ToFloats());
        UserModelExplainerTests.AssertSameState(state, model);
        Assert.True(model.training);
    }
}
