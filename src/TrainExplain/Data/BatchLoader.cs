
namespace TrainExplain.Data;

/// <summary>
/// Batches of an <see cref="ImageDataset"/>, as <c>torch.utils.data.BatchLoader</c>: optional seeded shuffling (a new
/// order every epoch, that is every enumeration, the same sequence of orders for the same seed) and drop_last. Each batch is a pair of new tensors
/// on <see cref="Device"/> that the caller disposes (or that a dispose scope frees).
/// </summary>
public sealed class BatchLoader : IBatchSource
{
    private readonly Random? random;

    /// <summary>Creates the loader.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The batch size is not positive.</exception>
    public BatchLoader(ImageDataset dataset, int batchSize, bool shuffle = false, int seed = 0, bool dropLast = false, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Dataset = dataset;
        BatchSize = batchSize;
        DropLast = dropLast;
        Device = device ?? torch.CPU;
        random = shuffle ? new Random(seed) : null;
    }

    /// <summary>The data.</summary>
    public ImageDataset Dataset { get; }

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether a last, smaller batch is left out.</summary>
    public bool DropLast { get; }

    /// <inheritdoc />
    public Device Device { get; }

    /// <inheritdoc />
    public int BatchCount => DropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <inheritdoc />
    public IEnumerator<(Tensor Inputs, Tensor Labels)> GetEnumerator()
    {
        var order = Order();
        for (var batch = 0; batch < BatchCount; batch++)
        {
            var start = batch * BatchSize;
            var count = Math.Min(BatchSize, Dataset.Count - start);
            if (order is null)
            {
                yield return Dataset.Slice(start, count, Device);
                continue;
            }
            using var indices = torch.tensor(order[start..(start + count)]);
            yield return Dataset.Gather(indices, Device);
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private long[]? Order()
    {
        if (random is null)
        {
            return null;
        }
        var order = new long[Dataset.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        random.Shuffle(order);
        return order;
    }
}
