using System.Net;
using System.Text.RegularExpressions;
using TrainExplain.Imaging;
using TrainExplain.TensorBoard;
using TrainExplain.Testing;

namespace TrainExplain.Tests.TensorBoard;

public sealed class TensorBoardWriterTests
{
    private static readonly DateTimeOffset OneSecond = DateTimeOffset.UnixEpoch.AddSeconds(1);

    [Fact]
    public void File_WithFixedClock_IsTheFormatVectorsByteForByte()
    {
        using var directory = new TemporaryDirectory();
        string path;
        using (var writer = new TensorBoardWriter(directory.Path, new TensorBoardWriterOptions { TimeProvider = new FixedTimeProvider(OneSecond) }))
        {
            writer.AddScalar("loss", 0.5f, 5);
            path = writer.FilePath;
        }

        Assert.Equal(TfRecordTests.FileVersionRecord + TfRecordTests.LossRecord, Convert.ToHexStringLower(File.ReadAllBytes(path)));
    }

    [Fact]
    public void FileName_FollowsTheConventionAndIsNewPerWriter()
    {
        using var directory = new TemporaryDirectory();
        var options = new TensorBoardWriterOptions { TimeProvider = new FixedTimeProvider(OneSecond), FileSuffix = ".test", AppendToRun = true };
        using var first = new TensorBoardWriter(directory.Path, options);
        using var second = new TensorBoardWriter(directory.Path, options);
        var pattern = $@"^events\.out\.tfevents\.0000000001\.{Regex.Escape(Dns.GetHostName())}\.{Environment.ProcessId}\.\d+\.test$";
        Assert.Matches(pattern, Path.GetFileName(first.FilePath));
        Assert.Matches(pattern, Path.GetFileName(second.FilePath));
        Assert.NotEqual(first.FilePath, second.FilePath);
        Assert.Equal(directory.Path, first.LogDir);
    }

    [Fact]
    public void Constructor_RefusesAFolderThatHoldsAnotherRunUnlessAppending()
    {
        using var directory = new TemporaryDirectory();
        var run = Path.Combine(directory.Path, "run");
        Assert.False(TensorBoardWriter.HoldsRun(run));   // not there yet
        string first;
        using (var writer = new TensorBoardWriter(run))
        {
            writer.AddScalar("loss", 1f, 1);
            first = Path.GetFileName(writer.FilePath);
        }
        Assert.True(TensorBoardWriter.HoldsRun(run));

        var refused = Assert.Throws<ArgumentException>(() => new TensorBoardWriter(run));
        Assert.Equal("logDir", refused.ParamName);
        Assert.StartsWith($"The folder {run} already holds a run ({first}), whose curves TensorBoard would mix with this one's; write to a new folder, remove this one, or set TensorBoardWriterOptions.AppendToRun to continue that run.", refused.Message);
        Assert.Single(Directory.GetFiles(run));

        // Files that are not event files (pictures, weights, notes) do not make a run; a subfolder's run is its own.
        var other = Path.Combine(directory.Path, "other");
        Directory.CreateDirectory(Path.Combine(other, "images"));
        File.WriteAllText(Path.Combine(other, "model.safetensors"), "");
        File.WriteAllText(Path.Combine(other, "images", "events.out.tfevents.1.host.1.000001"), "");
        Assert.False(TensorBoardWriter.HoldsRun(other));
        using (new TensorBoardWriter(other))
        {
        }

        using (var resumed = new TensorBoardWriter(run, new TensorBoardWriterOptions { AppendToRun = true }))
        {
            resumed.AddScalar("loss", 0.5f, 2);
        }
        Assert.Equal([(1L, 1f), (2L, 0.5f)], EventFileReader.ReadRun(run).Scalars("loss"));
        Assert.Throws<ArgumentException>(() => TensorBoardWriter.HoldsRun(" "));
    }

    [Fact]
    public void Constructor_PutsTheFileVersionOnDiskAtOnce()
    {
        using var directory = new TemporaryDirectory();
        using var writer = new TensorBoardWriter(Path.Combine(directory.Path, "nested", "run"));
        var logged = Assert.Single(EventFileReader.ReadFile(writer.FilePath));
        Assert.Equal("brain.Event:2", logged.FileVersion);
        Assert.Empty(logged.Values);
        Assert.InRange(logged.WallTime, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.NotEqual(Math.Floor(logged.WallTime), logged.WallTime); // sub-second precision (fails 1 time in 10^7)
    }

    [Fact]
    public void Flush_MakesEverythingQueuedReadableWhileTheWriterIsOpen()
    {
        using var directory = new TemporaryDirectory();
        using var writer = new TensorBoardWriter(directory.Path, new TensorBoardWriterOptions { FlushInterval = TimeSpan.FromHours(1) });
        for (var step = 0; step < 100; step++)
        {
            writer.AddScalar("x", step, step);
        }

        writer.Flush();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => ((long)i, (float)i)), EventFileReader.ReadFile(writer.FilePath).Scalars("x"));
    }

    [Fact]
    public void FlushInterval_WritesWithoutAnExplicitFlush()
    {
        using var directory = new TemporaryDirectory();
        using var writer = new TensorBoardWriter(directory.Path, new TensorBoardWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(20) });
        writer.AddScalar("x", 1f, 1);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (EventFileReader.ReadFile(writer.FilePath).Scalars("x").Count == 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        Assert.Equal([(1L, 1f)], EventFileReader.ReadFile(writer.FilePath).Scalars("x"));
    }

    [Fact]
    public void AddScalar_FromFourThreads_KeepsEveryValueAndStep()
    {
        using var directory = new TemporaryDirectory();
        string path;
        using (var writer = new TensorBoardWriter(directory.Path, new TensorBoardWriterOptions { QueueCapacity = 64 }))
        {
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, thread =>
            {
                for (var step = 0; step < 10_000; step++)
                {
                    writer.AddScalar($"thread{thread}", (thread * 10_000) + step, step);
                }
            });
            path = writer.FilePath;
        }

        var events = EventFileReader.ReadFile(path).ToList();
        for (var thread = 0; thread < 4; thread++)
        {
            var expected = Enumerable.Range(0, 10_000).Select(step => ((long)step, (float)((thread * 10_000) + step)));
            Assert.Equal(expected, events.Scalars($"thread{thread}"));
        }
    }

    [Fact]
    public void Dispose_IsIdempotentAndLaterCallsThrowObjectDisposed()
    {
        using var directory = new TemporaryDirectory();
        var writer = new TensorBoardWriter(directory.Path);
        writer.Dispose();
        writer.Dispose();
        var image = new Image(1, 1, 1, [0]);
        Assert.Throws<ObjectDisposedException>(() => writer.AddScalar("x", 1f, 0));
        Assert.Throws<ObjectDisposedException>(() => writer.AddScalars("x", new Dictionary<string, float> { ["a"] = 1f }, 0));
        Assert.Throws<ObjectDisposedException>(() => writer.AddImage("x", image, 0));
        Assert.Throws<ObjectDisposedException>(() => writer.AddImageSamples("x", [image], 0));
        Assert.Throws<ObjectDisposedException>(() => writer.AddImage("x", EncodedImage.Encode(image), 0));
        Assert.Throws<ObjectDisposedException>(() => writer.AddImageSamples("x", [EncodedImage.Encode(image)], 0));
        using var tensor = torch.ones(2);
        Assert.Throws<ObjectDisposedException>(() => writer.AddHistogram("x", tensor, 0));
        Assert.Throws<ObjectDisposedException>(() => writer.AddHistogram("x", [1f], 0));
        Assert.Throws<ObjectDisposedException>(() => writer.AddText("x", "hi", 0));
        Assert.Throws<ObjectDisposedException>(writer.Flush);
    }

    [Fact]
    public void BackgroundWriteFailure_SurfacesAsIOExceptionOnTheNextCalls()
    {
        using var directory = new TemporaryDirectory();
        var writer = new TensorBoardWriter(directory.Path, new TensorBoardWriterOptions(), _ => new FailingStream(capacity: 60));
        writer.AddScalar("x", 1f, 0);
        var flush = Assert.Throws<IOException>(writer.Flush);
        Assert.Equal("No space left on device", flush.InnerException!.Message);
        Assert.Contains(writer.FilePath, flush.Message, StringComparison.Ordinal);
        Assert.Throws<IOException>(() => writer.AddScalar("x", 2f, 1));
        Assert.Throws<IOException>(writer.Dispose);
        writer.Dispose();
    }

    [Fact]
    public void Constructor_RejectsBadArguments()
    {
        using var directory = new TemporaryDirectory();
        Assert.Throws<ArgumentException>(() => new TensorBoardWriter(" "));
        Assert.Throws<ArgumentNullException>(() => new TensorBoardWriter(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TensorBoardWriter(directory.Path, new TensorBoardWriterOptions { FlushInterval = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TensorBoardWriter(directory.Path, new TensorBoardWriterOptions { QueueCapacity = 0 }));
        Assert.Throws<ArgumentException>(() => new TensorBoardWriter(directory.Path, new TensorBoardWriterOptions { FileSuffix = "a/b" }));
        Assert.Throws<ArgumentNullException>(() => new TensorBoardWriter(directory.Path, new TensorBoardWriterOptions { TimeProvider = null! }));
        Assert.Empty(Directory.GetFiles(directory.Path));
    }

    [Fact]
    public void AddMethods_RejectBadArguments()
    {
        using var directory = new TemporaryDirectory();
        using var writer = new TensorBoardWriter(directory.Path);
        var small = new Image(1, 1, 1, [0]);
        var tag = Assert.Throws<ArgumentException>(() => writer.AddScalar("", 1f, 0));
        Assert.Equal("tag", tag.ParamName);
        Assert.Throws<ArgumentException>(() => writer.AddScalars(" ", new Dictionary<string, float>(), 0));
        Assert.Throws<ArgumentException>(() => writer.AddScalars("loss", new Dictionary<string, float> { ["a/b"] = 1f }, 0));
        Assert.Throws<ArgumentNullException>(() => writer.AddScalars("loss", null!, 0));
        Assert.Throws<ArgumentNullException>(() => writer.AddImage("image", (Image)null!, 0));
        Assert.Throws<ArgumentException>(() => writer.AddImageSamples("images", Array.Empty<Image>(), 0));
        Assert.Throws<ArgumentException>(() => writer.AddImageSamples("images", Array.Empty<EncodedImage>(), 0));
        Assert.Throws<ArgumentException>(() => writer.AddImageSamples("images", [EncodedImage.Encode(small), null!], 0));
        Assert.Throws<ArgumentNullException>(() => writer.AddImage("image", (EncodedImage)null!, 0));
        Assert.Throws<ArgumentException>(() => writer.AddImageSamples("images", [small, null!], 0));
        var sizes = Assert.Throws<ArgumentException>(() => writer.AddImageSamples("images", [small, new Image(2, 1, 1, [0, 0])], 0));
        Assert.Contains("image 0 is 1x1 but image 1 is 2x1", sizes.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => writer.AddHistogram("h", [], 0));
        var nan = Assert.Throws<ArgumentException>(() => writer.AddHistogram("h", [1f, float.NaN], 0));
        Assert.Contains("value 1 is NaN", nan.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => writer.AddHistogram("h", [float.PositiveInfinity], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.AddHistogram("h", [1f], 0, bins: 0));
        Assert.Throws<ArgumentNullException>(() => writer.AddText("t", null!, 0));
        writer.Flush();
        Assert.Single(EventFileReader.ReadFile(writer.FilePath)); // only the file version: nothing half-logged
    }
}
