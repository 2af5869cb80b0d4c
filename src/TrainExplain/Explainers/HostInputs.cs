namespace TrainExplain.Explainers;

/// <summary>
/// The explained inputs copied to the host once per batch, however many methods explain it: each explanation gets its
/// own alias of the one copy (freed when the last holder is disposed).
/// </summary>
internal sealed class HostInputs(Tensor inputs) : IDisposable
{
    private Tensor? copy;

    /// <summary>A new handle on the host copy, float32 on the CPU, made on first use.</summary>
    internal Tensor Alias()
    {
        copy ??= ExplainContext.Host(inputs).DetachFromDisposeScope();
        return copy.alias();
    }

    public void Dispose() => copy?.Dispose();
}
