using TrainExplain.Callbacks;
using TrainExplain.TensorBoard;
using TrainExplain.Testing;
using TrainExplain.Tests.Training;
using TrainExplain.Training;

namespace TrainExplain.Tests.Callbacks;

/// <summary>Issue 13, item 2: a finished epoch's records are on disk when the next epoch begins, without waiting for the writer's timer.</summary>
public sealed class FlushCallbackTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("flush").FullName;

    /// <summary>Reads the event file, as a crash at that moment would leave it, at each epoch's end.</summary>
    private sealed class DiskProbe(TensorBoardWriter writer) : ITrainingCallback
    {
        public List<long[]> StepsOnDisk { get; } = [];

        public void OnEpochEnd(TrainingContext context) =>
            StepsOnDisk.Add([.. EventFileReader.ReadFile(writer.FilePath).Scalars("loss/train").Select(s => s.Step)]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EachEpochsScalarsAreOnDiskRightAfterItsEnd(bool flush)
    {
        using var model = TrainingFixtures.SmallConvNet();
        // The timer alone would flush in an hour: only the callback can put the records on disk in time.
        using var writer = new TensorBoardWriter(directory, new TensorBoardWriterOptions { FlushInterval = TimeSpan.FromHours(1) });
        var probe = new DiskProbe(writer);
        ITrainingCallback[] callbacks = flush ? [new ScalarsCallback(writer), new FlushCallback(writer), probe] : [new ScalarsCallback(writer), probe];

        CallbackTests.Fit(model, 3, callbacks);

        Assert.Equal(flush ? [[1L], [1L, 2L], [1L, 2L, 3L]] : [[], [], []], probe.StepsOnDisk);
    }

    [Fact]
    public void ANullWriterIsRefused() =>
        Assert.Equal("writer", Assert.Throws<ArgumentNullException>(() => new FlushCallback(null!)).ParamName);

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
