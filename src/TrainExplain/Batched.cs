namespace TrainExplain;

/// <summary>
/// The one batching helper of every pass (as Captum's <c>_batched_operator</c>): work over many items runs in chunks of
/// at most the internal batch size B, each chunk in its own dispose scope, and the chunks' results are concatenated.
/// </summary>
internal static class Batched
{
    /// <summary>
    /// Chunks between two returns of the heap's free pages (<see cref="NativeHeap.ReleaseFreePages"/>): rare enough to
    /// cost nothing measurable next to 64 forward passes, often enough that a pass of a million points stays within a
    /// few tens of MiB of a short one.
    /// </summary>
    internal const int TrimEveryChunks = 64;

    /// <summary>
    /// The starts and lengths of consecutive chunks of at most <paramref name="batchSize"/> items out of
    /// <paramref name="total"/>. Before each chunk it checks the training run's <see cref="StopRequest"/>, so every
    /// pass of a callback ends within one chunk of a stop, and every <see cref="TrimEveryChunks"/> chunks it returns the
    /// heap's free pages, so a pass's peak memory does not grow with its chunks.
    /// </summary>
    /// <exception cref="OperationCanceledException">The training run in progress was asked to stop.</exception>
    internal static IEnumerable<(long Start, long Length)> Chunks(long total, int batchSize)
    {
        for (long start = 0; start < total; start += batchSize)
        {
            StopRequest.ThrowIfRequested();
            if (start > 0 && start / batchSize % TrimEveryChunks == 0)
            {
                NativeHeap.ReleaseFreePages();
            }
            yield return (start, Math.Min(batchSize, total - start));
        }
    }

    /// <summary><paramref name="perChunk"/> of each chunk of at most B rows of <paramref name="points"/>, concatenated along the first dimension.</summary>
    internal static Tensor Map(Tensor points, int batchSize, Func<Tensor, Tensor> perChunk) =>
        Map(points.size(0), batchSize, (start, length) => perChunk(points.narrow(0, start, length)));

    /// <summary><paramref name="perChunk"/>(start, length) of each chunk of at most B items out of <paramref name="total"/>, concatenated along the first dimension.</summary>
    internal static Tensor Map(long total, int batchSize, Func<long, long, Tensor> perChunk) =>
        MapEach(total, batchSize, (start, length) => [perChunk(start, length)])[0];

    /// <summary>
    /// <paramref name="perChunk"/>(start, length) of each chunk of at most B items out of <paramref name="total"/>, a
    /// list of tensors per chunk, each position concatenated along the first dimension over the chunks (a single
    /// chunk's results as they are). What a chunk makes and does not return dies with its scope, so a pass holds one
    /// chunk's intermediates at a time; the results must be tensors the chunk made.
    /// </summary>
    internal static IReadOnlyList<Tensor> MapEach(long total, int batchSize, Func<long, long, IReadOnlyList<Tensor>> perChunk)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(total);
        var parts = new List<IReadOnlyList<Tensor>>();
        foreach (var (start, length) in Chunks(total, batchSize))
        {
            using var chunk = torch.NewDisposeScope();
            var results = perChunk(start, length);
            foreach (var result in results)
            {
                result.MoveToOuterDisposeScope();
            }
            parts.Add(results);
        }
        return parts.Count == 1 ? parts[0] : [.. Enumerable.Range(0, parts[0].Count).Select(i => torch.cat(parts.Select(p => p[i]).ToList()))];
    }
}
