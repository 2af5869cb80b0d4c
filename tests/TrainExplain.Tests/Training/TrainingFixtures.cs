using TrainExplain.Data;
using TrainExplain.Torch;
using TrainExplain.Torch.Modules;

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

    /// <summary>conv (biased) -> ReLU -> flatten -> linear: small, with a Conv2d for the CAM explainers.</summary>
    internal static Module SmallConvNet() => torch.nn.Sequential(
        ("conv", torch.nn.Conv2d(1, 4, 3, padding: 1)),
        ("relu", torch.nn.ReLU()),
        ("flatten", torch.nn.Flatten()),
        ("fc", torch.nn.Linear(4 * 36, 3)));
}
