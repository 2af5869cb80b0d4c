namespace TrainExplain.Tests.TensorBoard;

/// <summary>A clock that always reads <paramref name="now"/>, so event wall times and file names are predictable.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
