using TorchSharp.Modules;
using TrainExplain.Data;
using TrainExplain.Training;

namespace TrainExplain.Tests.Training;

/// <summary>A tiny learnable problem: 6x6 images whose class (0..2) is the row band holding a bright bar.</summary>
internal static class TrainingFixtures
{
    internal static ImageDataset Bars(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * 36];
        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            var label = random.Next(3);
            labels[i] = label;
            for (var p = 0; p < 36; p++)
            {
                var row = p / 6;
                pixels[(i * 36) + p] = (row / 2 == label ? 0.8f : 0f) + (0.2f * (float)random.NextDouble());
            }
        }
        return new ImageDataset(torch.tensor(pixels, [count, 1, 6, 6]), torch.tensor(labels));
    }

    /// <summary>
    /// Images whose class does not depend on where the stroke is, for models that pool globally: a horizontal bar (0),
    /// a vertical bar (1) or a 2x2 square (2), at a random place in a <paramref name="side"/> x <paramref name="side"/>
    /// image with a little noise.
    /// </summary>
    internal static ImageDataset Strokes(int count, int seed, int side = 6)
    {
        var random = new Random(seed);
        var pixels = new float[count * side * side];
        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            var label = random.Next(3);
            labels[i] = label;
            var (row, column) = (random.Next(side - 1), random.Next(side - 1));
            for (var p = 0; p < side * side; p++)
            {
                var (r, c) = (p / side, p % side);
                var on = label switch
                {
                    0 => r == row,
                    1 => c == column,
                    _ => r - row is 0 or 1 && c - column is 0 or 1,
                };
                pixels[(i * side * side) + p] = (on ? 0.8f : 0f) + (0.2f * (float)random.NextDouble());
            }
        }
        return new ImageDataset(torch.tensor(pixels, [count, 1, side, side]), torch.tensor(labels));
    }

    /// <summary>conv (biased) -> ReLU -> flatten -> linear: small, with a Conv2d for the CAM explainers.</summary>
    internal static Sequential SmallConvNet() => nn.Sequential(
        ("conv", nn.Conv2d(1, 4, 3, padding: 1)),
        ("relu", nn.ReLU()),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(4 * 36, 3)));

    /// <summary>The context a training loop would show its callbacks at the end of <paramref name="epoch"/> (no batches, no logs).</summary>
    internal static TrainingContext ContextAt(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, int epoch)
    {
        var context = new TrainingContext(model, optimizer, epochs: Math.Max(epoch, 1), batchesPerEpoch: 0);
        context.BeginEpoch(epoch);
        return context;
    }
}
