namespace TrainExplain.Training;

/// <summary>The running mean of a per-batch mean (the loss) weighted by batch size, summed on the device in float64 without a host read per batch.</summary>
internal sealed class RunningMean : IDisposable
{
    private Tensor? sum;
    private long count;

    /// <summary>Adds a batch's mean <paramref name="value"/> (a scalar tensor) over <paramref name="size"/> examples.</summary>
    internal void Add(Tensor value, long size)
    {
        using var weighted = value.detach().to(ScalarType.Float64) * size;
        if (sum is null)
        {
            sum = weighted.clone().DetachFromDisposeScope();
        }
        else
        {
            sum.add_(weighted);
        }
        count += size;
    }

    /// <summary>The mean so far (NaN before the first batch); reading it waits for the device.</summary>
    internal double Value => sum is null || count == 0 ? double.NaN : sum.item<double>() / count;

    /// <summary>Starts over.</summary>
    internal void Reset()
    {
        sum?.Dispose();
        sum = null;
        count = 0;
    }

    public void Dispose() => Reset();
}
