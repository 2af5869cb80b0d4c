namespace TrainExplain.Tests.Training;

/// <summary>A fixed batch of <see cref="TrainingFixtures.Bars"/> images and their labels, as callbacks explain one; disposes both.</summary>
internal sealed class LabeledBatch : IDisposable
{
    internal LabeledBatch(int count, int seed)
    {
        using var data = TrainingFixtures.Bars(count, seed);
        (Images, Labels) = data.Take(count);
    }

    internal Tensor Images { get; }

    internal Tensor Labels { get; }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
