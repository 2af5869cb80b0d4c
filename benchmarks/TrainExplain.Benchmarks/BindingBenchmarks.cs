namespace TrainExplain.Benchmarks;

/// <summary>
/// TorchSharp's per-call overhead, as PyTorch's is measured by the reference: a tiny op, and conv2d forward+backward at
/// the example's first layer.
/// </summary>
internal static class BindingBenchmarks
{
    internal static IReadOnlyList<BenchmarkRow> Run()
    {
        using var a = rand([16]);
        using var b = rand([16]);
        const int calls = 20_000;
        var add = Measure.Milliseconds(() =>
        {
            for (var i = 0; i < calls; i++)
            {
                using var sum = a + b;
            }
        }, repeats: 7);

        using var input = rand([64, 1, 28, 28]);
        using var weight = randn([32, 1, 3, 3]).requires_grad_();
        using var bias = zeros([32]).requires_grad_();
        using var gradOutput = ones([64, 32, 26, 26]);
        var conv = Measure.Milliseconds(() =>
        {
            using var scope = NewDisposeScope();
            weight.grad = null;
            bias.grad = null;
            nn.functional.conv2d(input, weight, bias).backward([gradOutput]);
        }, repeats: 30, warmup: 5);

        return
        [
            new BenchmarkRow("binding", "binding/add16", add.Median * 1000 / calls, "µs", $"a + b on two [16] tensors, result disposed; best {add.Best * 1000 / calls:F2} µs"),
            new BenchmarkRow("binding", "binding/conv2d_fwd_bwd", conv.Median, "ms", $"[64,1,28,28] * [32,1,3,3] + bias, backward(ones) as the reference; best {conv.Best:F2} ms"),
        ];
    }
}
