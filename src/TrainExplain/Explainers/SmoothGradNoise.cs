namespace TrainExplain.Explainers;

/// <summary>
/// The noise of SmoothGrad and every noise tunnel, one standard normal [N, C, H, W] draw per sample i from a CPU generator seeded with
/// seed + i * 0x9E3779B97F4A7C15 (mod 2^64), so it depends neither on the chunking nor on the device. Chunks run in
/// order, so only the last sample drawn is kept: each sample is drawn once.
/// </summary>
internal sealed class SmoothGradNoise(long seed, Tensor like) : IDisposable
{
    private long lastSample = -1;
    private Tensor? last;

    /// <summary>The noise of sample-major items [start, start + length) of N images each, on the inputs' device.</summary>
    internal Tensor Items(long start, long length)
    {
        var n = like.size(0);
        var (first, final) = (start / n, (start + length - 1) / n);
        var parts = new List<Tensor>();
        for (var sample = first; sample <= final; sample++)
        {
            var from = sample == first ? start - (first * n) : 0;
            var to = sample == final ? start + length - (final * n) : n;
            parts.Add(Sample(sample).narrow(0, from, to - from));
        }
        return parts.Count == 1 ? parts[0] : torch.cat(parts);
    }

    private Tensor Sample(long sample)
    {
        if (sample != lastSample)
        {
            last?.Dispose();
            using var generator = new torch.Generator(unchecked((ulong)seed + ((ulong)sample * 0x9E3779B97F4A7C15UL)));
            using var host = torch.randn(like.shape, like.dtype, generator: generator);
            last = host.to(like.device).DetachFromDisposeScope();
            lastSample = sample;
        }
        return last!;
    }

    public void Dispose() => last?.Dispose();
}
