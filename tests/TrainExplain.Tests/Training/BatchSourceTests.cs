using System.Collections;
using TrainExplain.Data;
using TrainExplain.Training;

namespace TrainExplain.Tests.Training;

/// <summary>
/// <see cref="Trainer.Fit"/> trains on any <see cref="IBatchSource"/>: a source that is no <see cref="BatchLoader"/>,
/// given the same examples in the same order, gives the same weights and logs, bit for bit.
/// </summary>
public sealed class BatchSourceTests
{
    /// <summary>
    /// Batches of in-memory tensors in the orders it is given, one order per epoch (enumeration): the source, not the
    /// loop, decides each epoch's order.
    /// </summary>
    private sealed class InMemoryBatches(Tensor inputs, Tensor labels, int batchSize, IReadOnlyList<long[]> epochOrders) : IBatchSource
    {
        private int epoch;

        public Device Device => inputs.device;

        public int BatchCount => (int)((inputs.size(0) + batchSize - 1) / batchSize);

        public IEnumerator<(Tensor Inputs, Tensor Labels)> GetEnumerator()
        {
            var order = epochOrders[epoch++];
            for (var start = 0; start < order.Length; start += batchSize)
            {
                using var indices = torch.tensor(order[start..Math.Min(start + batchSize, order.Length)]);
                yield return (inputs.index_select(0, indices), labels.index_select(0, indices));
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public void FitOnAnotherSourceGivesTheWeightsOfTheBatchLoaderOnTheSameOrder()
    {
        const int Epochs = 3;
        using var train = TrainingFixtures.Bars(40, seed: 1);
        using var validation = TrainingFixtures.Bars(12, seed: 2);
        // BatchLoader's orders, as documented: System.Random(seed) shuffles 0..N-1 again for every epoch.
        var random = new Random(7);
        var orders = Enumerable.Range(0, Epochs).Select(_ =>
        {
            var order = Enumerable.Range(0, train.Count).Select(i => (long)i).ToArray();
            random.Shuffle(order);
            return order;
        }).ToList();
        var inOrder = Enumerable.Range(0, validation.Count).Select(i => (long)i).ToArray();

        var (loaderWeights, loaderHistory) = Train(new BatchLoader(train, 16, shuffle: true, seed: 7), new BatchLoader(validation, 5), Epochs);
        var (sourceWeights, sourceHistory) = Train(new InMemoryBatches(train.Images, train.Labels, 16, orders),
            new InMemoryBatches(validation.Images, validation.Labels, 5, [.. Enumerable.Repeat(inOrder, Epochs)]), Epochs);

        Assert.Equal(loaderWeights.Keys, sourceWeights.Keys);
        foreach (var (name, values) in loaderWeights)
        {
            Assert.Equal(values, sourceWeights[name]);
        }
        string[] compared = [TrainingLogKeys.Loss, TrainingLogKeys.Accuracy, TrainingLogKeys.Validation(TrainingLogKeys.Loss), TrainingLogKeys.ValidationAccuracy];
        Assert.Equal(loaderHistory.Select(h => compared.Select(k => h[k])), sourceHistory.Select(h => compared.Select(k => h[k])));
        // Another order gives other weights: the equality above is the order's, and each epoch's order is the source's.
        var (swappedWeights, _) = Train(new InMemoryBatches(train.Images, train.Labels, 16, [orders[1], orders[0], orders[2]]),
            new InMemoryBatches(validation.Images, validation.Labels, 5, [.. Enumerable.Repeat(inOrder, Epochs)]), Epochs);
        Assert.NotEqual(loaderWeights["fc.weight"], swappedWeights["fc.weight"]);
    }

    /// <summary>Trains a fresh small ConvNet (same initial weights every time) and returns its final weights and the logs.</summary>
    private static (Dictionary<string, float[]> Weights, IReadOnlyList<IReadOnlyDictionary<string, double>> History) Train(IBatchSource train, IBatchSource validation, int epochs)
    {
        torch.manual_seed(11);
        using var model = TrainingFixtures.SmallConvNet();
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        using var loss = nn.CrossEntropyLoss();
        var history = Trainer.Fit(model, optimizer, loss, train, validation, epochs, cancellation: TestContext.Current.CancellationToken);
        return (model.named_parameters().ToDictionary(p => p.name, p => p.parameter.ToFloats()), history);
    }
}
