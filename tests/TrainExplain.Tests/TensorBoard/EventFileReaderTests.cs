using TrainExplain.TensorBoard;
using TrainExplain.Testing;

namespace TrainExplain.Tests.TensorBoard;

public sealed class EventFileReaderTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void ReadFile_StopsQuietlyAtATruncatedLastRecord()
    {
        var bytes = Convert.FromHexString(TfRecordTests.FileVersionRecord + TfRecordTests.LossRecord);
        var firstLength = TfRecordTests.FileVersionRecord.Length / 2;
        var path = Path.Combine(directory.Path, "events.out.tfevents.truncated");
        for (var length = firstLength; length < bytes.Length; length++)
        {
            File.WriteAllBytes(path, bytes[..length]);
            var logged = Assert.Single(EventFileReader.ReadFile(path));
            Assert.Equal("brain.Event:2", logged.FileVersion);
        }

        File.WriteAllBytes(path, bytes);
        Assert.Equal([(5L, 0.5f)], EventFileReader.ReadFile(path).Scalars("loss"));
    }

    [Theory]
    [InlineData(3, "length")] // inside the second record's length
    [InlineData(14, "data")] // inside the second record's data
    [InlineData(41, "data")] // inside the second record's data CRC
    public void ReadFile_ReportsABadCrcWithTheRecordOffset(int byteInSecondRecord, string part)
    {
        var bytes = Convert.FromHexString(TfRecordTests.FileVersionRecord + TfRecordTests.LossRecord);
        var secondRecord = TfRecordTests.FileVersionRecord.Length / 2;
        bytes[secondRecord + byteInSecondRecord] ^= 0x01;
        var path = Path.Combine(directory.Path, "events.out.tfevents.corrupt");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => EventFileReader.ReadFile(path).ToList());
        Assert.Contains($"record at byte offset {secondRecord} is corrupt: its {part} CRC", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_ReportsARecordThatIsNotAnEvent()
    {
        var path = Path.Combine(directory.Path, "events.out.tfevents.garbage");
        File.WriteAllBytes(path, TfRecordFraming.Frame([0xFF, 0xFF, 0xFF]));
        var e = Assert.Throws<InvalidDataException>(() => EventFileReader.ReadFile(path).ToList());
        Assert.Contains("record at byte offset 0 does not hold a valid Event", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRun_ReadsEventFilesInNameOrderAndSkipsOtherFiles()
    {
        var clock = new FixedTimeProvider(DateTimeOffset.UnixEpoch.AddSeconds(5));
        using (var first = new TensorBoardWriter(directory.Path, new TensorBoardWriterOptions { TimeProvider = clock }))
        {
            first.AddScalar("x", 1f, 1);
        }

        using (var second = new TensorBoardWriter(directory.Path, new TensorBoardWriterOptions { TimeProvider = clock, AppendToRun = true }))
        {
            second.AddScalar("x", 2f, 2);
        }

        File.WriteAllText(Path.Combine(directory.Path, "notes.txt"), "not an event file");
        Assert.Equal(2, EventFileReader.EventFiles(directory.Path).Count);
        Assert.Equal([(1L, 1f), (2L, 2f)], EventFileReader.ReadRun(directory.Path).Scalars("x"));
    }

    [Fact]
    public void Read_RejectsMissingPaths()
    {
        Assert.Throws<FileNotFoundException>(() => EventFileReader.ReadFile(Path.Combine(directory.Path, "missing")));
        Assert.Throws<DirectoryNotFoundException>(() => EventFileReader.ReadRun(Path.Combine(directory.Path, "missing")));
        Assert.Throws<ArgumentException>(() => EventFileReader.ReadFile(""));
        Assert.Throws<ArgumentException>(() => EventFileReader.EventFiles(""));
    }
}
