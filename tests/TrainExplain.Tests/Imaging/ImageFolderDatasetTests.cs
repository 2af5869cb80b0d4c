using TrainExplain.Data;
using TrainExplain.Imaging;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Imaging;

public sealed class ImageFolderDatasetTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("imagefolder").FullName;

    public void Dispose() => Directory.Delete(this.root, recursive: true);

    /// <summary>Writes a 3x2 gray PNG whose every pixel is <paramref name="value"/>, so a batch can be traced back to its files.</summary>
    private string WriteImage(string relativePath, byte value, int width = 3, int height = 2)
    {
        var path = Path.Combine(this.root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Png.Save(new Image(width, height, 1, [.. Enumerable.Repeat(value, width * height)]), path);
        return path;
    }

    /// <summary>Classes a, b, c with 3, 2 and 3 images whose pixel values are 10 x class + image.</summary>
    private void WriteThreeClasses()
    {
        foreach (var (name, count, label) in new[] { ("a", 3, 0), ("b", 2, 1), ("c", 3, 2) })
        {
            for (var i = 0; i < count; i++)
            {
                WriteImage(Path.Combine(name, $"{i}.png"), (byte)((10 * label) + i));
            }
        }
    }

    /// <summary>The test's transform: gray pixel bytes as float32 [1, H, W], unscaled, so values name the images.</summary>
    private static Tensor Pixels(Image image)
    {
        var gray = image.ToChannels(1);
        return tensor(gray.Pixels.Select(b => (float)b).ToArray(), [1, gray.Height, gray.Width]);
    }

    /// <summary>Each batch's image values (its first pixel) and labels, batch by batch.</summary>
    private static List<(float[] Values, long[] Labels)> Batches(IBatchSource source)
    {
        var batches = new List<(float[], long[])>();
        foreach (var (images, labels) in source)
        {
            // The scope frees the views the values are read through.
            using (images)
            using (labels)
            using (NewDisposeScope())
            {
                batches.Add((images[.., 0, 0, 0].data<float>().ToArray(), labels.data<long>().ToArray()));
            }
        }
        return batches;
    }

    [Fact]
    public void ClassesAreTheFolderNamesInOrdinalOrderAndOtherFilesAreIgnored()
    {
        WriteImage("dog/1.png", 1);
        WriteImage("Cat/b.png", 2);
        WriteImage("Cat/A.PNG", 3);
        WriteImage("Cat/sub/0.png", 4);
        WriteImage("ant/x.png", 5);
        WriteImage("ant/.hidden.png", 6);
        WriteImage(".ipynb_checkpoints/y.png", 7);
        File.WriteAllText(Path.Combine(this.root, "ant", "notes.txt"), "not an image");
        File.WriteAllText(Path.Combine(this.root, "readme.md"), "not a class");

        var data = new ImageFolderDataset(this.root, Pixels);

        // Ordinal: upper case sorts before lower case, as Python's sorted() in torchvision.
        Assert.Equal(["Cat", "ant", "dog"], data.Classes);
        Assert.Equal(
            [("Cat/A.PNG", 0), ("Cat/b.png", 0), ("Cat/sub/0.png", 0), ("ant/x.png", 1), ("dog/1.png", 2)],
            data.Samples.Select(s => (Path.GetRelativePath(this.root, s.Path), s.Label)));
        Assert.Equal(5, data.Count);
    }

    [Fact]
    public void UnshuffledBatchesFollowTheSamplesWithASmallerLastBatch()
    {
        WriteThreeClasses();
        var data = new ImageFolderDataset(this.root, Pixels, batchSize: 3);

        Assert.Equal(3, data.BatchCount);
        var batches = Batches(data);
        Assert.Equal([[0f, 1, 2], [10f, 11, 20], [21f, 22]], batches.Select(b => b.Values));
        Assert.Equal([[0L, 0, 0], [1L, 1, 2], [2L, 2]], batches.Select(b => b.Labels));
    }

    [Fact]
    public void ShuffleDrawsANewOrderEachEpochAndTheSameOrdersForTheSameSeed()
    {
        WriteThreeClasses();
        var first = new ImageFolderDataset(this.root, Pixels, batchSize: 8, shuffle: true, seed: 3);
        var again = new ImageFolderDataset(this.root, Pixels, batchSize: 8, shuffle: true, seed: 3);
        float[] all = [0, 1, 2, 10, 11, 20, 21, 22];

        var epochs = Enumerable.Range(0, 3).Select(_ => Batches(first).Single()).ToList();
        var repeated = Enumerable.Range(0, 3).Select(_ => Batches(again).Single()).ToList();

        Assert.All(epochs, epoch => Assert.Equal(all, epoch.Values.Order()));
        // Labels travel with their images: the tens digit of a value is its class.
        Assert.All(epochs, epoch => Assert.Equal(epoch.Values.Select(v => (long)(v / 10)), epoch.Labels));
        Assert.NotEqual(epochs[0].Values, epochs[1].Values);
        Assert.NotEqual(epochs[1].Values, epochs[2].Values);
        Assert.Equal(epochs.Select(e => e.Values), repeated.Select(e => e.Values));
    }

    [Fact]
    public void TakeAndLimitTakeTheClassesInTurn()
    {
        WriteThreeClasses();
        var data = new ImageFolderDataset(this.root, Pixels);

        var (images, labels) = data.Take(5);
        using (images)
        using (labels)
        {
            Assert.Equal([0f, 10, 20, 1, 11], images[.., 0, 0, 0].data<float>().ToArray());
            Assert.Equal([0L, 1, 2, 0, 1], labels.data<long>().ToArray());
        }
        // After b's two images run out, a and c go on in turn.
        var limited = new ImageFolderDataset(this.root, Pixels, limit: 7);
        Assert.Equal([0f, 1, 2, 10, 11, 20, 21], Batches(limited).Single().Values);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Take(9));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageFolderDataset(this.root, Pixels, limit: 0));
    }

    [Fact]
    public void EachBatchDecodesOnlyItsOwnImages()
    {
        WriteThreeClasses();
        var decoded = 0;
        var data = new ImageFolderDataset(this.root, image => { decoded++; return Pixels(image); }, batchSize: 3);
        Assert.Equal(0, decoded);

        using var batches = data.GetEnumerator();
        var seen = new List<int>();
        while (batches.MoveNext())
        {
            seen.Add(decoded);
            batches.Current.Inputs.Dispose();
            batches.Current.Labels.Dispose();
        }

        // Memory is one batch: before each batch is handed out, only it and the batches before it were decoded.
        Assert.Equal([3, 6, 8], seen);
    }

    [Fact]
    public void HorizontalFlipMirrorsSomeImagesAndKeepsTheRest()
    {
        // 2x1 images [v, 100]: a mirrored one reads [100, v].
        for (var i = 0; i < 16; i++)
        {
            var path = Path.Combine(this.root, "a", $"{i:D2}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Png.Save(new Image(2, 1, 1, [(byte)i, 100]), path);
        }
        var data = new ImageFolderDataset(this.root, Pixels, batchSize: 16, augmentation: new ImageAugmentation { HorizontalFlip = true });

        var (images, labels) = data.Single();
        using (images)
        using (labels)
        {
            var rows = Enumerable.Range(0, 16).Select(i => images[i, 0, 0].data<float>().ToArray()).ToList();
            var flipped = rows.Count(r => r[0] == 100);
            Assert.All(rows.Select((r, i) => (r, i)), x => Assert.True(x.r.SequenceEqual([x.i, 100f]) || x.r.SequenceEqual([100f, x.i]), $"image {x.i}: [{string.Join(", ", x.r)}]"));
            Assert.InRange(flipped, 1, 15);
        }
        // The fixed batch is never augmented.
        var (fixedImages, fixedLabels) = data.Take(16);
        using (fixedImages)
        using (fixedLabels)
        {
            Assert.Equal(Enumerable.Repeat(100f, 16), fixedImages[.., 0, 0, 1].data<float>().ToArray());
        }
    }

    [Fact]
    public void PaddedCropIsAWindowOfTheZeroPaddedImage()
    {
        // A 3x2 image of ones padded by 1: every 3x2 window keeps 2 to 6 of the ones, placed as one shifted block.
        WriteImage("a/0.png", 1);
        var data = new ImageFolderDataset(this.root, Pixels, augmentation: new ImageAugmentation { CropPadding = 1 }, seed: 1);
        List<float[]> windows;
        using (NewDisposeScope())
        {
            var padded = nn.functional.pad(ones(1, 2, 3), [1, 1, 1, 1]);
            windows = [.. Enumerable.Range(0, 3).SelectMany(top => Enumerable.Range(0, 3).Select(left => padded.narrow(1, top, 2).narrow(2, left, 3).data<float>().ToArray()))];
        }

        var offsets = new HashSet<int>();
        for (var epoch = 0; epoch < 30; epoch++)
        {
            var (images, labels) = data.Single();
            using (images)
            using (labels)
            {
                Assert.Equal([1L, 1, 2, 3], images.shape);
                var window = windows.FindIndex(w => w.SequenceEqual(images.data<float>().ToArray()));
                Assert.True(window >= 0, $"not a window: [{string.Join(", ", images.data<float>().ToArray())}]");
                offsets.Add(window);
            }
        }
        Assert.True(offsets.Count > 1, "the crop offset never changed in 30 epochs");
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmentation { CropPadding = -1 });
    }

    [Fact]
    public void BadFoldersAreRefusedNamingWhatWasWrong()
    {
        var missing = Path.Combine(this.root, "missing");
        Assert.Contains(missing, Assert.Throws<DirectoryNotFoundException>(() => new ImageFolderDataset(missing, Pixels)).Message);

        Directory.CreateDirectory(Path.Combine(this.root, ".hidden"));
        Assert.Contains("has no class folder", Assert.Throws<InvalidDataException>(() => new ImageFolderDataset(this.root, Pixels)).Message);

        WriteImage("a/0.png", 0);
        Directory.CreateDirectory(Path.Combine(this.root, "b"));
        File.WriteAllText(Path.Combine(this.root, "b", "notes.txt"), "not an image");
        var empty = Assert.Throws<InvalidDataException>(() => new ImageFolderDataset(this.root, Pixels)).Message;
        Assert.Contains("class folder(s) b hold no image", empty);
    }

    [Fact]
    public void AnUndecodableFileStopsTheEpochNamingIt()
    {
        WriteImage("a/0.png", 0);
        var broken = Path.Combine(this.root, "a", "1.jpg");
        File.WriteAllText(broken, "not a jpeg");
        var data = new ImageFolderDataset(this.root, Pixels);

        var error = Assert.Throws<InvalidDataException>(() => Batches(data));
        Assert.Contains(broken, error.Message);
        Assert.Contains("not skipped", error.Message);
    }

    [Fact]
    public void TransformOutputsOfOtherShapesOrTypesAreRefusedNamingTheFiles()
    {
        var first = WriteImage("a/0.png", 0);
        var larger = WriteImage("b/0.png", 0, width: 4);
        var shapes = Assert.Throws<InvalidDataException>(() => Batches(new ImageFolderDataset(this.root, Pixels))).Message;
        Assert.Contains($"turned {larger} into [1, 2, 4], but {first} into [1, 2, 3]", shapes);

        var doubles = Assert.Throws<InvalidDataException>(() => Batches(new ImageFolderDataset(this.root, image => Pixels(image).to(float64)))).Message;
        Assert.Contains($"turned {first} into Float64 [1, 2, 3]; it must give float32 [C, H, W]", doubles);
    }

    [Fact]
    public void BatchesAndTheFixedBatchLeaveNoTensorAlive()
    {
        WriteThreeClasses();
        var data = new ImageFolderDataset(this.root, Pixels, batchSize: 3, shuffle: true,
            augmentation: new ImageAugmentation { HorizontalFlip = true, CropPadding = 1 });
        Batches(data);
        var baseline = LiveTensors.Baseline();

        Batches(data);
        var (images, labels) = data.Take(4);
        images.Dispose();
        labels.Dispose();

        baseline.AssertUnchanged();
    }
}
