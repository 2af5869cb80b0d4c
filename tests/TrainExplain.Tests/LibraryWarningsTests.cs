namespace TrainExplain.Tests;

/// <summary>Warnings go to standard error as it is when they are written (a redirect made later still gets them), or to the writer set.</summary>
public sealed class LibraryWarningsTests
{
    [Fact]
    public void WarningsFollowStandardErrorUnlessAWriterIsSet()
    {
        var previous = Console.Error;
        using var redirected = new StringWriter();
        using var chosen = new StringWriter();
        try
        {
            Console.SetError(redirected);
            LibraryWarnings.Write("first");
            LibraryWarnings.Output = chosen;
            LibraryWarnings.Write("second");
        }
        finally
        {
            Console.SetError(previous);
            LibraryWarnings.Output = previous;
        }
        Assert.Equal("TrainExplain: first" + Environment.NewLine, redirected.ToString());
        Assert.Equal("TrainExplain: second" + Environment.NewLine, chosen.ToString());
        Assert.Throws<ArgumentNullException>(() => LibraryWarnings.Output = null!);
    }
}
