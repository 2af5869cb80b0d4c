using TrainExplain.Explainers;

namespace TrainExplain.Metrics;

/// <summary>
/// Deletion and insertion (Petsiuk, Das and Saenko 2018, "RISE: Randomized Input Sampling for Explanation of Black-box
/// Models"): how well a saliency map ranks the pixels the model relies on. Pixels are ordered by saliency, descending,
/// ties by ascending flat index h * W + w. With S steps and n_k = round(k H W / S) (half to even) for k = 0..S,
/// deletion image k is x with its first n_k pixels (all channels) set to the fill value, insertion image k is the fill
/// value everywhere but its first n_k pixels, taken from x. p_k is the softmax probability of the image's target, and
/// AUC = (1/S) (p_0/2 + p_1 + ... + p_{S-1} + p_S/2). Lower deletion and higher insertion AUC mean a more faithful map;
/// a random order (<see cref="MeasureRandomOrder"/>) is the chance level. Cost: 2 (S + 1) forward passes per image and
/// no backward, chunked by the internal batch size, which also bounds the memory of the masked images.
/// </summary>
internal sealed class DeletionInsertion
{
    /// <summary>Creates the metric.</summary>
    /// <param name="model">The classifier, returning logits [N, K].</param>
    /// <param name="steps">S, the number of steps of each curve.</param>
    /// <param name="fill">The value of deleted (not yet inserted) pixels.</param>
    /// <param name="internalBatchSize">The most masked images one forward pass sees.</param>
    public DeletionInsertion(nn.Module<Tensor, Tensor> model, int steps = 16, double fill = 0, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(internalBatchSize);
        if (!double.IsFinite(fill))
        {
            throw new ArgumentOutOfRangeException(nameof(fill), fill, "The fill value must be finite.");
        }
        (Model, Steps, Fill, InternalBatchSize) = (model, steps, fill, internalBatchSize);
    }

    /// <summary>The classifier.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>S, the steps of each curve.</summary>
    public int Steps { get; }

    /// <summary>The value of deleted pixels.</summary>
    public double Fill { get; }

    /// <summary>The most masked images one forward pass sees.</summary>
    public int InternalBatchSize { get; }

    /// <summary>The AUCs of the order that <paramref name="saliency"/> [N, H, W] gives the pixels of <paramref name="inputs"/> [N, C, H, W], for targets <paramref name="classes"/> [N].</summary>
    public FaithfulnessScores Measure(Tensor inputs, Tensor saliency, Tensor classes)
    {
        CheckBatch(inputs, classes);
        ArgumentNullException.ThrowIfNull(saliency);
        if (saliency.ndim != 3 || saliency.size(0) != inputs.size(0) || saliency.size(1) != inputs.size(2) || saliency.size(2) != inputs.size(3))
        {
            throw new ArgumentException($"Saliency must be [N, H, W] = [{inputs.size(0)}, {inputs.size(2)}, {inputs.size(3)}] to match the inputs, got {saliency.ShapeText()}.", nameof(saliency));
        }
        using var scope = torch.NewDisposeScope();
        var order = saliency.detach().flatten(1).to(inputs.device).sort(1, descending: true, stable: true).Indices;
        return Curves(inputs, order, classes);
    }

    /// <summary>The AUCs of a random pixel order: one fixed permutation per image from a generator seeded with <paramref name="seed"/>, drawn on the CPU so every device sees the same orders.</summary>
    public FaithfulnessScores MeasureRandomOrder(Tensor inputs, Tensor classes, long seed = 0)
    {
        CheckBatch(inputs, classes);
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(unchecked((ulong)seed));
        var pixels = inputs.size(2) * inputs.size(3);
        var permutations = Enumerable.Range(0, (int)inputs.size(0)).Select(_ => torch.randperm(pixels, generator: generator)).ToList();
        return Curves(inputs, torch.stack(permutations).to(inputs.device), classes);
    }

    /// <summary>n_k = round(k H W / S) for k = 0..S, halves to even.</summary>
    internal static long[] StepCounts(long pixels, int steps) =>
        [.. Enumerable.Range(0, steps + 1).Select(k => (long)Math.Round(k * (double)pixels / steps, MidpointRounding.ToEven))];

    /// <summary>Both curves' AUCs for pixel orders [N, H W] (order[j, r] = the pixel of rank r).</summary>
    private FaithfulnessScores Curves(Tensor inputs, Tensor order, Tensor classes)
    {
        var (n, pixels) = (order.size(0), order.size(1));
        var ranks = torch.empty_like(order).scatter_(1, order, torch.arange(pixels, device: order.device).expand(n, pixels));
        var counts = torch.tensor(StepCounts(pixels, Steps), device: inputs.device);
        var x = inputs.detach();
        var targets = classes.to(ScalarType.Int64, inputs.device);
        return EvalMode.Run(Model, () =>
        {
            using var noGrad = torch.no_grad();
            var deletion = Auc(x, ranks, counts, targets, insert: false);
            var insertion = Auc(x, ranks, counts, targets, insert: true);
            return new FaithfulnessScores(deletion.ToFloats(), insertion.ToFloats());
        });
    }

    /// <summary>
    /// The trapezoid AUC [N] over [0, 1] of p_k for every image and step, B masked images per forward pass. Each chunk
    /// adds its weighted p_k to per-image running sums in double (a million steps would lose digits in float), so the
    /// memory kept is N sums whatever S: a curve kept whole held 2 N (S + 1) values, chunk by chunk.
    /// </summary>
    private Tensor Auc(Tensor x, Tensor ranks, Tensor counts, Tensor targets, bool insert)
    {
        var (n, perImage) = (x.size(0), (long)Steps + 1);
        var sums = torch.zeros(n, ScalarType.Float64, x.device);
        foreach (var (start, length) in Batched.Chunks(n * perImage, ModelMethod.ChunkSize(InternalBatchSize, x)))
        {
            using var chunk = torch.NewDisposeScope();
            var items = torch.arange(start, start + length, device: x.device);
            var (image, step) = (items.div(perImage, rounding_mode: RoundingMode.floor), items.remainder(perImage));
            var chosen = ranks.index_select(0, image) < counts.index_select(0, step).unsqueeze(1);
            var keep = (insert ? chosen : chosen.logical_not()).view(-1, 1, x.size(2), x.size(3)).to(x.dtype);
            var masked = (x.index_select(0, image) * keep) + (Fill * (1 - keep));
            var probabilities = torch.nn.functional.softmax(Model.call(masked), 1);
            var p = probabilities.gather(1, targets.index_select(0, image).unsqueeze(1)).squeeze(1).to(ScalarType.Float64);
            // The trapezoid rule: p_0 and p_S count half.
            var weights = torch.ones_like(p).masked_fill_(step.eq(0).logical_or(step.eq(Steps)), 0.5);
            sums.index_add_(0, image, p * weights, 1);
        }
        return (sums / Steps).to(ScalarType.Float32);
    }

    private static void CheckBatch(Tensor inputs, Tensor classes)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(classes);
        if (inputs.ndim != 4 || inputs.size(0) == 0)
        {
            throw new ArgumentException($"Inputs must be a non-empty batch [N, C, H, W], got {inputs.ShapeText()}.", nameof(inputs));
        }
        if (classes.ndim != 1 || classes.size(0) != inputs.size(0))
        {
            throw new ArgumentException($"Classes must be [N] = [{inputs.size(0)}], one target per image, got {classes.ShapeText()}.", nameof(classes));
        }
    }
}
