namespace TrainExplain.Tests.Support;

/// <summary>
/// A leak check: the process-wide count of live native tensors (<see cref="torch.Tensor.TotalCount"/>) and this thread's
/// count of tensors created and not yet disposed (<see cref="DisposeScopeManager.Statistics"/>), taken after the
/// garbage collector has finalized what earlier tests dropped. A tensor that only the finalizer frees comes back in the
/// first count after a collection but never in the second, which counts disposals on the finalizer's own thread.
/// </summary>
internal sealed class LiveTensors
{
    private readonly long total;
    private readonly long thread;

    private LiveTensors(long total, long thread) => (this.total, this.thread) = (total, thread);

    /// <summary>The counts now, after a full collection.</summary>
    internal static LiveTensors Baseline()
    {
        Collect();
        return new(torch.Tensor.TotalCount, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    /// <summary>Asserts that, after a full collection, both counts are back at the baseline.</summary>
    internal void AssertUnchanged()
    {
        Collect();
        Assert.True(torch.Tensor.TotalCount == total, $"live tensors: {torch.Tensor.TotalCount}, {torch.Tensor.TotalCount - total} more than the baseline {total}");
        var threadLive = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.True(threadLive == thread, $"tensors this thread made and did not dispose: {threadLive - thread} more than at the baseline ({DisposeScopeManager.Statistics})");
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
