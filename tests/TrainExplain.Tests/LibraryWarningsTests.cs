namespace TrainExplain.Tests;

/// <summary>Warnings go to standard error as it is when they are written (a redirect made later still gets them), or to the writer set.</summary>
[Collection(LibraryWarningsTests.Collection)]
public sealed class LibraryWarningsTests
{
    /// <summary>The collection of the tests that change the process's warning writer, so that they never run at once.</summary>
    internal const string Collection = "Library warnings";

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
            LibraryWarnings.Output = null;
        }
        Assert.Equal("TrainExplain: first" + Environment.NewLine, redirected.ToString());
        Assert.Equal("TrainExplain: second" + Environment.NewLine, chosen.ToString());
        Assert.Same(previous, LibraryWarnings.Output);
    }
}
