using Google.Protobuf;
using TrainExplain.TensorBoard.Proto;

namespace TrainExplain.Testing;

/// <summary>
/// Test support: reads TensorBoard event files back so the project's tests can assert what a run logged, e.g.
/// <c>EventFileReader.ReadRun("runs/fashion").Scalars("loss")</c>. It and its <c>Logged*</c> types are shared as source
/// by the test projects; they read the library's internal protobuf types, which the library makes visible to them.
/// </summary>
/// <remarks>
/// Like TensorBoard, it takes a tag's plugin and description from the tag's first value in each file.
/// Both CRCs of every record are checked. A truncated last record (a writer still appending, or a crash mid-write)
/// ends the file quietly, as TensorBoard waits at it; a CRC mismatch throws <see cref="InvalidDataException"/>
/// naming the file and the byte offset of the record.
/// </remarks>
internal static class EventFileReader
{
    /// <summary>The events of one event file, in file order; enumerated lazily, the file is open while enumerating.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A record fails its CRC check or does not hold an event.</exception>
    public static IEnumerable<LoggedEvent> ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Event file '{path}' does not exist.", path);
        }

        return ReadExistingFile(path);
    }

    /// <summary>
    /// The events of every event file (a name containing <c>tfevents</c>) directly in <paramref name="runDirectory"/>,
    /// files in ordinal name order (so by creation time), as TensorBoard reads a run.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static IEnumerable<LoggedEvent> ReadRun(string runDirectory) => EventFiles(runDirectory).SelectMany(ReadExistingFile);

    /// <summary>The paths of the event files directly in <paramref name="runDirectory"/>, in ordinal name order.</summary>
    /// <exception cref="ArgumentException"><paramref name="runDirectory"/> is empty.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static IReadOnlyList<string> EventFiles(string runDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDirectory);
        if (!Directory.Exists(runDirectory))
        {
            throw new DirectoryNotFoundException($"Run directory '{runDirectory}' does not exist.");
        }

        return Directory.GetFiles(runDirectory)
            .Where(file => Path.GetFileName(file).Contains("tfevents", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    private static IEnumerable<LoggedEvent> ReadExistingFile(string path)
    {
        var decoder = new LoggedValueDecoder();
        foreach (var (offset, data) in TfRecordReader.Read(path))
        {
            var logged = Parse(data, path, offset);
            var values = logged.Summary?.Value.Select(decoder.Decode).ToArray() ?? [];
            yield return new LoggedEvent(
                logged.WallTime, logged.Step, logged.WhatCase == Event.WhatOneofCase.FileVersion ? logged.FileVersion : null, values);
        }
    }

    private static Event Parse(byte[] data, string path, long offset)
    {
        try
        {
            return Event.Parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path}: the record at byte offset {offset} does not hold a valid Event: {e.Message}", e);
        }
    }
}
