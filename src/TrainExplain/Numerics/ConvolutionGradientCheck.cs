namespace TrainExplain.Numerics;

/// <summary>
/// Input and weight gradients of small 3x3 convolutions in float32 against the same computation in float64, on the
/// shapes where libtorch 2.10's oneDNN was seen to go wrong on AVX-512 and AVX2 CPUs: out channels 1, 6 and 8 (not
/// multiples of 8 or 16), in channels 1 and 3, padding 0 and 1, batches of 2 and 64 (batch 1 and tiny inputs take
/// libtorch's own kernels), 28x28 inputs. The float64 pass never uses oneDNN, so it is the reference. The wrong
/// kernels are wrong only now and then (on an affected machine one round of 24 shapes found 0 to 9 wrong, 0 in 2 of 40
/// rounds), so up to <see cref="Rounds"/> rounds run on fresh random values, stopping at the first round that finds one.
/// </summary>
internal static class ConvolutionGradientCheck
{
    private static readonly int[] InChannels = [1, 3];
    private static readonly int[] OutChannels = [1, 6, 8];
    private static readonly int[] Paddings = [0, 1];
    private static readonly int[] Batches = [2, 64];
    private const int Size = 28;

    /// <summary>The most rounds one run takes.</summary>
    internal const int Rounds = 4;

    /// <summary>How many shapes one round checks.</summary>
    internal static int ShapeCount => InChannels.Length * OutChannels.Length * Paddings.Length * Batches.Length;

    /// <summary>
    /// Checks every shape, round after round until one finds a wrong gradient or <see cref="Rounds"/> have run;
    /// <paramref name="backwardScope"/> wraps each float32 backward pass (the remedy under test). Returns how many shapes
    /// were checked, how many had an error above <paramref name="tolerance"/> (relative to the largest reference value),
    /// and the largest error.
    /// </summary>
    internal static (int Checked, int Wrong, double LargestError) Run(Func<IDisposable> backwardScope, double tolerance)
    {
        var largest = 0.0;
        using var generator = new torch.Generator(20261203);
        for (var round = 1; round <= Rounds; round++)
        {
            var (wrong, error) = Round(generator, backwardScope, tolerance);
            largest = Math.Max(largest, error);
            if (wrong > 0)
            {
                return (round * ShapeCount, wrong, largest);
            }
        }
        return (Rounds * ShapeCount, 0, largest);
    }

    private static (int Wrong, double LargestError) Round(torch.Generator generator, Func<IDisposable> backwardScope, double tolerance)
    {
        var (wrong, largest) = (0, 0.0);
        foreach (var inChannels in InChannels)
        {
            foreach (var outChannels in OutChannels)
            {
                foreach (var padding in Paddings)
                {
                    foreach (var batch in Batches)
                    {
                        var error = RelativeError(inChannels, outChannels, padding, batch, generator, backwardScope);
                        largest = Math.Max(largest, error);
                        wrong += error > tolerance ? 1 : 0;
                    }
                }
            }
        }
        return (wrong, largest);
    }

    /// <summary>The larger of the input and the weight gradient's error, each relative to its largest float64 value.</summary>
    private static double RelativeError(int inChannels, int outChannels, int padding, int batch, torch.Generator generator, Func<IDisposable> backwardScope)
    {
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        var input = torch.randn([batch, inChannels, Size, Size], generator: generator);
        var weight = torch.randn([outChannels, inChannels, 3, 3], generator: generator);
        var outputGradient = torch.randn([batch, outChannels, Size - 2 + (2 * padding), Size - 2 + (2 * padding)], generator: generator);
        var single = Gradients(input, weight, outputGradient, padding, backwardScope);
        var reference = Gradients(input.to(ScalarType.Float64), weight.to(ScalarType.Float64), outputGradient.to(ScalarType.Float64), padding, backwardScope);
        return Enumerable.Range(0, 2).Max(i =>
        {
            var largest = reference[i].abs().max().item<double>();
            var error = (single[i].to(ScalarType.Float64) - reference[i]).abs().max().item<double>();
            return double.IsFinite(error) ? error / Math.Max(largest, double.Epsilon) : double.PositiveInfinity;
        });
    }

    private static Tensor[] Gradients(Tensor input, Tensor weight, Tensor outputGradient, int padding, Func<IDisposable> backwardScope)
    {
        var (x, w) = (input.detach().requires_grad_(), weight.detach().requires_grad_());
        var output = torch.nn.functional.conv2d(x, w, padding: [padding, padding]);
        using (backwardScope())
        {
            torch.autograd.backward([output], [outputGradient], inputs: [x, w]);
        }
        return [x.grad!, w.grad!];
    }
}
