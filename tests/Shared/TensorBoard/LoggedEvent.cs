namespace TrainExplain.Testing;

/// <summary>One event read from an event file.</summary>
/// <param name="WallTime">Unix time in seconds, with sub-second precision.</param>
/// <param name="Step">The step (0 when not set, as for the file version event).</param>
/// <param name="FileVersion">The file version (<c>brain.Event:2</c>) of a file's first event, otherwise null.</param>
/// <param name="Values">The summary values; empty for the file version event.</param>
internal sealed record LoggedEvent(double WallTime, long Step, string? FileVersion, IReadOnlyList<LoggedValue> Values);
