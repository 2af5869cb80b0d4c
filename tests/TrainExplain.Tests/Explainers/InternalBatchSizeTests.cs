using TrainExplain.Explainers;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Explainers;

/// <summary>
/// Issue 12, item 8: integrated gradients and SmoothGrad make each chunk's points when the chunk runs, so the internal
/// batch size B bounds their memory, and their results do not depend on B.
/// </summary>
public sealed class InternalBatchSizeTests
{
    public static TheoryData<string> Methods => ["ig", "smoothgrad", "smoothgrad_sq", "vargrad"];

    private static Explainer Create(string method, nn.Module<Tensor, Tensor> model, int points, int internalBatchSize) => method switch
    {
        "ig" => new IntegratedGradients(model, steps: points, internalBatchSize: internalBatchSize),
        "smoothgrad" => new SmoothGrad(model, samples: points, seed: 5, internalBatchSize: internalBatchSize),
        "smoothgrad_sq" => new SmoothGradSquared(model, samples: points, seed: 5, internalBatchSize: internalBatchSize),
        "vargrad" => new VarGrad(model, samples: points, seed: 5, internalBatchSize: internalBatchSize),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    /// <summary>
    /// B = 1 (every point alone), 7 (chunks that straddle images and steps) and 256 (all 60 points at once) give the
    /// same attributions within 1e-6 of the largest magnitude: only the order of float32 sums may differ.
    /// </summary>
    [Theory]
    [MemberData(nameof(Methods))]
    public void ResultsAreTheSameForInternalBatchSizesOneSevenAnd256(string method)
    {
        torch.manual_seed(80);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([5, 1, 8, 8]);
        using var reference = (Attribution)Create(method, model, points: 12, internalBatchSize: 256).Explain(x, Targets.Predicted);
        var expected = reference.Raw.ToFloats();
        var scale = expected.Max(Math.Abs);
        Assert.True(scale > 0);
        foreach (var internalBatchSize in new[] { 1, 7 })
        {
            using var chunked = (Attribution)Create(method, model, points: 12, internalBatchSize).Explain(x, Targets.Predicted);
            var actual = chunked.Raw.ToFloats();
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 * scale, $"{method}, B = {internalBatchSize}: element {i} is {actual[i]}, {expected[i]} with B = 256");
            }
            Assert.Equal(reference.Targets, chunked.Targets);
            Assert.Equal(reference.Scores, chunked.Scores, (a, b) => Math.Abs(a - b) <= 1e-6 * Math.Max(1, Math.Abs(a)));
            if (reference.Delta is not null)
            {
                Assert.Equal(reference.Delta.ToFloats(), chunked.Delta!.ToFloats(), (a, b) => Math.Abs(a - b) <= 1e-5 * scale);
            }
        }
    }

    /// <summary>
    /// With 2,048 points per image, all points of both 64 x 64 images would take 64 MiB (and their gradients as much
    /// again); with B = 4 a pass holds 4 points and their activations, under 1 MiB. The native heap in use (glibc's count
    /// of live allocations, where libtorch's CPU tensors live; see <see cref="NativeHeapInUse"/>) is sampled after every
    /// forward pass of the model, when the chunk's points and its graph are alive, and must stay within 16 MiB of what it
    /// was before the call. The margin is for the runtime's own mallocs (the JIT's, measured up to 7 MiB here without a
    /// warm-up); the warm-up call with 512 points lets the hot methods reach their final tier first. Measured: 1 to 3.5 MiB.
    /// The meter is checked first: a 64 MiB tensor shows in it, and is gone from it once freed.
    /// </summary>
    [Theory]
    [InlineData("ig")]
    [InlineData("smoothgrad")]
    public void PeakMemoryFollowsTheInternalBatchSizeNotTheNumberOfPoints(string method)
    {
        Assert.SkipUnless(NativeHeapInUse.Available, "glibc's mallinfo2 is needed to count live native bytes");
        const long Budget = 16L << 20;
        const int Points = 2048;
        torch.manual_seed(81);
        using var model = ExplainerModels.GapLinear();
        using var x = torch.rand([2, 1, 64, 64]);
        var wholePath = Points * x.numel() * sizeof(float);
        AssertTheMeterSees(wholePath);
        Create(method, model, points: 512, internalBatchSize: 4).Explain(x, Targets.Predicted).Dispose();
        var explainer = Create(method, model, Points, internalBatchSize: 4);
        var (peak, passes) = (0L, 0);
        var hook = model.register_forward_hook((_, _, output) =>
        {
            peak = Math.Max(peak, NativeHeapInUse.Bytes());
            passes++;
            return output;
        });
        long before;
        try
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            before = NativeHeapInUse.Bytes();
            explainer.Explain(x, Targets.Predicted).Dispose();
        }
        finally
        {
            hook.remove();
        }
        Assert.True(passes >= 2 * Points / 4, $"{passes} passes");
        Assert.True(peak - before <= Budget,
            $"{method}: {(peak - before) / 1024.0:F0} KiB more in use during the passes than before (budget {Budget >> 10} KiB; all points together: {wholePath >> 10} KiB)");
    }

    private static void AssertTheMeterSees(long bytes)
    {
        var before = NativeHeapInUse.Bytes();
        using (var big = torch.ones([bytes / sizeof(float)]))
        {
            // Other threads (the finalizer, the runtime) malloc and free a few KiB meanwhile: allow 1 MiB of theirs.
            var seen = NativeHeapInUse.Bytes() - before;
            Assert.True(seen >= bytes - (1 << 20), $"the meter saw {seen} bytes of a {bytes}-byte tensor");
        }
        Assert.True(NativeHeapInUse.Bytes() - before < bytes, "the meter still counts a freed tensor");
    }

    /// <summary>
    /// Issue 23, item 5: on the CPU a chunk holds at most <see cref="ModelMethod.CpuChunkValues"/> (2^20) input values, so
    /// 256 MNIST digits go together but 6 photos of 224 px, and never fewer than one image; B stays the upper bound.
    /// </summary>
    [Theory]
    [InlineData(256, new long[] { 1, 1, 28, 28 }, 256)]
    [InlineData(256, new long[] { 1, 3, 224, 224 }, 6)]
    [InlineData(4, new long[] { 1, 3, 224, 224 }, 4)]
    [InlineData(256, new long[] { 1, 3, 64, 64 }, 85)]
    [InlineData(256, new long[] { 1, 3, 1024, 1024 }, 1)]
    public void ACpuChunkHoldsAtMostTwoToTheTwentyInputValues(int internalBatchSize, long[] shape, int expected)
    {
        using var images = torch.empty(shape);
        Assert.Equal(expected, ModelMethod.ChunkSize(internalBatchSize, images));
    }

    [Fact]
    public void ChunkSizeRefusesANonPositiveInternalBatchOrNoInputs()
    {
        using var images = torch.empty([1, 1, 8, 8]);
        Assert.Equal("internalBatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => ModelMethod.ChunkSize(0, images)).ParamName);
        Assert.Equal("internalBatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => ModelMethod.ChunkSize(-4, images)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => ModelMethod.ChunkSize(8, null!)).ParamName);
    }

    /// <summary>Ten 512 x 512 images (262,144 values each) go through vanilla gradients four at a time: passes of 4, 4 and 2.</summary>
    [Fact]
    public void LargeImagesPassInChunksOfTheirValues()
    {
        torch.manual_seed(81);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.GapLinear();
        var passes = ForwardCalls.BatchSizes(model,
            () => new VanillaGradients(model).Explain(torch.rand([10, 1, 512, 512]), Targets.Labels(torch.zeros(10, ScalarType.Int64))).Dispose());
        Assert.Equal([4L, 4L, 2L], passes);
    }
}
