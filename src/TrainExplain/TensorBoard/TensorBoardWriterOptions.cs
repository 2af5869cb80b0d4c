namespace TrainExplain.TensorBoard;

/// <summary>Settings of a <see cref="TensorBoardWriter"/>; the defaults suit logging once per batch or epoch.</summary>
public sealed class TensorBoardWriterOptions
{
    /// <summary>
    /// The longest time a record waits in memory before it is written to the file (default 5 s). PyTorch waits up to
    /// 120 s; 5 s keeps TensorBoard close to live while costing one write system call per interval at most.
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many records may wait for the background writer (default 512); when the queue is full, <c>Add*</c> waits
    /// for room instead of growing memory without bound.
    /// </summary>
    public int QueueCapacity { get; init; } = 512;

    /// <summary>Appended to the event file name, as PyTorch's <c>filename_suffix</c> (default empty); must be a valid file name part.</summary>
    public string FileSuffix { get; init; } = "";

    /// <summary>The clock for default wall times and the file name's time stamp (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Whether the writer may add its event file to a folder that already holds a run's (default false: it refuses, so two
    /// runs never mix their curves in one TensorBoard run). Set it to continue a run, e.g. when training resumes from a
    /// checkpoint: TensorBoard reads a run's files in name order, so the new file follows the old ones.
    /// </summary>
    public bool AppendToRun { get; init; }

    /// <summary>Rejects settings that cannot work, naming the setting.</summary>
    internal void Validate()
    {
        if (FlushInterval <= TimeSpan.Zero || FlushInterval.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(FlushInterval), FlushInterval, "The flush interval must be positive and at most 24 days.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1, nameof(QueueCapacity));
        ArgumentNullException.ThrowIfNull(FileSuffix, nameof(FileSuffix));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        if (FileSuffix.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"The file suffix '{FileSuffix}' contains a character not allowed in file names.", nameof(FileSuffix));
        }
    }
}
