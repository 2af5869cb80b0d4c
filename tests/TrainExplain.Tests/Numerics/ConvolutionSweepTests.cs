using TrainExplain.Explainers;

namespace TrainExplain.Tests.Numerics;

/// <summary>
/// The library's input gradients of one-convolution models over 405 shapes against float64 autograd: the sweep in which
/// libtorch 2.10's oneDNN got 81-158 wrong on AVX-512 machines (run with TRAINEXPLAIN_ONEDNN=on there, this test
/// fails). In channels 1, 3, 4, 8 and 16; out channels 1, 2, 4, 6, 8, 12, 16, 24 and 32; batches of 1, 4 and 64; 8x8
/// inputs with padding 0 and 1, and 28x28 with padding 1.
/// </summary>
public sealed class ConvolutionSweepTests
{
    /// <summary>float32 against float64 on the same weights: right kernels stay below 1e-6 of the largest value; wrong ones were off by 6% or more.</summary>
    private const double Tolerance = 1e-4;

    private static readonly int[] InChannels = [1, 3, 4, 8, 16];
    private static readonly int[] OutChannels = [1, 2, 4, 6, 8, 12, 16, 24, 32];
    private static readonly int[] Batches = [1, 4, 64];
    private static readonly (int Size, int Padding)[] Inputs = [(8, 0), (8, 1), (28, 1)];

    [Fact]
    public void VanillaGradientsOfEveryShapeAgreeWithFloat64()
    {
        var wrong = new List<string>();
        var shapes = 0;
        foreach (var inChannels in InChannels)
        {
            foreach (var outChannels in OutChannels)
            {
                foreach (var batch in Batches)
                {
                    foreach (var (size, padding) in Inputs)
                    {
                        shapes++;
                        var error = RelativeError(inChannels, outChannels, batch, size, padding);
                        if (!(error <= Tolerance))
                        {
                            wrong.Add($"Conv2d({inChannels}, {outChannels}, 3, padding: {padding}) on [{batch}, {inChannels}, {size}, {size}]: {error:G3}");
                        }
                    }
                }
            }
        }
        Assert.Equal(405, shapes);
        Assert.True(wrong.Count == 0, $"{wrong.Count} of 405 shapes are wrong: {string.Join("; ", wrong.Take(10))}");
    }

    /// <summary>|library's dS/dx - float64 autograd's| / max |float64's|, for conv -> flatten -> linear to 3 classes.</summary>
    private static double RelativeError(int inChannels, int outChannels, int batch, int size, int padding)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed((inChannels * 1000) + (outChannels * 10) + batch + size + padding);
        var side = size - 2 + (2 * padding);
        using var model = nn.Sequential(("conv", nn.Conv2d(inChannels, outChannels, 3, padding: padding)), ("flatten", nn.Flatten()),
            ("fc", nn.Linear(outChannels * side * side, 3)));
        var x = torch.randn([batch, inChannels, size, size]);
        var classes = Enumerable.Range(0, batch).Select(i => (long)(i % 3)).ToArray();
        using var explanation = (Attribution)new VanillaGradients(model).Explain(x, Targets.Of(classes));

        model.to(ScalarType.Float64);
        using var grad = torch.enable_grad();
        var x64 = x.to(ScalarType.Float64).requires_grad_();
        var score = model.call(x64).gather(1, torch.tensor(classes).unsqueeze(1)).sum();
        var reference = torch.autograd.grad([score], [x64])[0];
        var error = (explanation.Raw.to(ScalarType.Float64) - reference).abs().max().item<double>();
        return error / reference.abs().max().item<double>();
    }
}
