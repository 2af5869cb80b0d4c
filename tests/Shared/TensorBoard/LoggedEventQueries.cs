namespace TrainExplain.Testing;

/// <summary>Queries over read events, for assertions such as <c>Assert.Equal([(0L, 1f), (1L, 0.5f)], events.Scalars("loss"))</c>.</summary>
internal static class LoggedEventQueries
{
    /// <summary>Every value logged under <paramref name="tag"/> with its step, in read order.</summary>
    public static IReadOnlyList<(long Step, LoggedValue Value)> ValuesOf(this IEnumerable<LoggedEvent> events, string tag)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(tag);
        return events.SelectMany(e => e.Values.Where(v => v.Tag == tag).Select(v => (e.Step, v))).ToArray();
    }

    /// <summary>Every scalar logged under <paramref name="tag"/> with its step, in read order.</summary>
    public static IReadOnlyList<(long Step, float Value)> Scalars(this IEnumerable<LoggedEvent> events, string tag) =>
        events.ValuesOf(tag).Where(x => x.Value.Scalar.HasValue).Select(x => (x.Step, x.Value.Scalar!.Value)).ToArray();

    /// <summary>The distinct tags of all values, in order of first appearance.</summary>
    public static IReadOnlyList<string> Tags(this IEnumerable<LoggedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.SelectMany(e => e.Values).Select(v => v.Tag).Distinct().ToArray();
    }
}
