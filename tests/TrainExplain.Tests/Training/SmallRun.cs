using TorchSharp.Modules;
using TrainExplain.Data;
using TrainExplain.Training;

namespace TrainExplain.Tests.Training;

/// <summary>
/// What one short training run needs, disposed together: <see cref="TrainingFixtures.Bars"/> data, the small ConvNet,
/// SGD and cross-entropy.
/// </summary>
internal sealed class SmallRun : IDisposable
{
    internal SmallRun(int images, int seed = 1)
    {
        Data = TrainingFixtures.Bars(images, seed);
        Model = TrainingFixtures.SmallConvNet();
        Optimizer = optim.SGD(Model.parameters(), learningRate: 0.1);
        Loss = nn.CrossEntropyLoss();
    }

    internal ImageDataset Data { get; }

    internal Sequential Model { get; }

    internal optim.Optimizer Optimizer { get; }

    internal CrossEntropyLoss Loss { get; }

    /// <summary>Trains <see cref="Model"/> on <see cref="Data"/> in batches of 8, with <paramref name="validation"/> loader if given.</summary>
    internal IReadOnlyList<IReadOnlyDictionary<string, double>> Fit(int epochs, IReadOnlyList<ITrainingCallback> callbacks, BatchLoader? train = null,
        BatchLoader? validation = null) =>
        Trainer.Fit(Model, Optimizer, Loss, train ?? new BatchLoader(Data, 8), validation, epochs, callbacks, cancellation: TestContext.Current.CancellationToken);

    public void Dispose()
    {
        Loss.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
        Data.Dispose();
    }
}
