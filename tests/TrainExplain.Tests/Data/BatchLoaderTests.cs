using TrainExplain.Data;

namespace TrainExplain.Tests.Data;

public sealed class BatchLoaderTests
{
    private static ImageDataset Numbered(int count)
    {
        // Image i is filled with i / 100 and labelled i % 10, so batches can be traced back to examples.
        var pixels = new float[count * 4];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = i / 4 / 100f;
        }
        var labels = Enumerable.Range(0, count).Select(i => (long)(i % 10)).ToArray();
        return new ImageDataset(torch.tensor(pixels, [count, 1, 2, 2]), torch.tensor(labels));
    }

    private static List<long> ExampleIds(BatchLoader loader)
    {
        var ids = new List<long>();
        foreach (var (images, labels) in loader)
        {
            using (images)
            using (labels)
            {
                ids.AddRange(images.ToFloats().Where((_, i) => i % 4 == 0).Select(v => (long)Math.Round(v * 100)));
            }
        }
        return ids;
    }

    [Fact]
    public void UnshuffledBatchesKeepOrderAndLastPartialBatch()
    {
        using var data = Numbered(10);
        var loader = new BatchLoader(data, batchSize: 4);
        Assert.Equal(3, loader.BatchCount);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), ExampleIds(loader));
    }

    [Fact]
    public void DropLastLeavesOutThePartialBatch()
    {
        using var data = Numbered(10);
        var loader = new BatchLoader(data, batchSize: 4, dropLast: true);
        Assert.Equal(2, loader.BatchCount);
        Assert.Equal(8, ExampleIds(loader).Count);
    }

    [Fact]
    public void ShuffleIsAPermutationNewEachEpochAndSeeded()
    {
        using var data = Numbered(50);
        var first = new BatchLoader(data, 8, shuffle: true, seed: 7);
        var epoch1 = ExampleIds(first);
        var epoch2 = ExampleIds(first);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), epoch1.Order());
        Assert.NotEqual(epoch1, epoch2);
        var again = new BatchLoader(data, 8, shuffle: true, seed: 7);
        Assert.Equal(epoch1, ExampleIds(again));
        Assert.Equal(epoch2, ExampleIds(again));
    }

    [Fact]
    public void LabelsFollowTheirImages()
    {
        using var data = Numbered(30);
        foreach (var (images, labels) in new BatchLoader(data, 7, shuffle: true, seed: 1))
        {
            using (images)
            using (labels)
            {
                var ids = images.ToFloats().Where((_, i) => i % 4 == 0).Select(v => (long)Math.Round(v * 100) % 10);
                Assert.Equal(ids, labels.ToLongs());
            }
        }
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        using var data = Numbered(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader(data, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Take(5));
        using var images = torch.zeros([3, 1, 2, 2]);
        using var wrongCount = torch.zeros([2], ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => new ImageDataset(images, wrongCount));
        Assert.Contains("int64 [3]", e.Message);
        using var flat = torch.zeros([3, 4]);
        using var labels = torch.zeros([3], ScalarType.Int64);
        Assert.Contains("[N, C, H, W]", Assert.Throws<ArgumentException>(() => new ImageDataset(flat, labels)).Message);
    }

    [Fact]
    public void FashionMnistTestSplitLoadsScaled()
    {
        const string directory = "/usr/share/datasets/fashion-mnist";
        if (!Directory.Exists(directory))
        {
            Assert.Skip($"{directory} is absent (scripts/setup.sh installs dataset-fashion-mnist).");
        }
        using var test = ImageDataset.LoadMnist(directory, train: false, limit: 100);
        Assert.Equal(100, test.Count);
        Assert.Equal([100L, 1, 28, 28], test.Images.shape);
        using var max = test.Images.max();
        using var min = test.Images.min();
        Assert.InRange(max.item<float>(), 0.9f, 1f);
        Assert.Equal(0f, min.item<float>());
        using var firstLabel = test.Labels[0];
        Assert.Equal(9L, firstLabel.item<long>());  // the first Fashion-MNIST test image is an ankle boot
    }
}
