namespace TrainExplain.Tests;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("atomic").FullName;

    [Fact]
    public void WriteReplacesTheFileAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(directory, "out.bin");
        File.WriteAllBytes(path, [9, 9, 9, 9]);
        AtomicFile.Write(path, stream => stream.Write([1, 2, 3]), flushToDisk: true);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(["out.bin"], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    [Fact]
    public void AFailedWriteKeepsTheOldFileAndRemovesTheTemporaryOne()
    {
        var path = Path.Combine(directory, "out.bin");
        File.WriteAllBytes(path, [9, 9]);
        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write([1, 2, 3]);
            throw new InvalidOperationException("writer failed");
        }));
        Assert.Equal("writer failed", error.Message);
        Assert.Equal([9, 9], File.ReadAllBytes(path));
        Assert.Equal(["out.bin"], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    [Fact]
    public void AMissingFolderIsAnIOException()
    {
        var path = Path.Combine(directory, "absent", "out.bin");
        Assert.ThrowsAny<IOException>(() => AtomicFile.Write(path, stream => stream.WriteByte(1)));
        Assert.False(Directory.Exists(Path.Combine(directory, "absent")));
    }

    [Fact]
    public void TheTemporaryPathIsAHiddenFreshNameInTheSameFolder()
    {
        var path = Path.Combine(directory, "model.safetensors");
        var first = AtomicFile.TemporaryPathBeside(path);
        Assert.Equal(directory, Path.GetDirectoryName(first));
        Assert.Matches(@"^\.model\.safetensors\.[0-9a-f]{32}\.tmp$", Path.GetFileName(first));
        Assert.NotEqual(first, AtomicFile.TemporaryPathBeside(path));
    }

    [Fact]
    public void BadArgumentsNameTheirParameter()
    {
        Assert.Equal("path", Assert.ThrowsAny<ArgumentException>(() => AtomicFile.Write("", _ => { })).ParamName);
        Assert.Equal("write", Assert.Throws<ArgumentNullException>(() => AtomicFile.Write(Path.Combine(directory, "x"), null!)).ParamName);
        var root = Assert.Throws<ArgumentException>(() => AtomicFile.TemporaryPathBeside("/"));
        Assert.Equal("path", root.ParamName);
        Assert.Contains("names no file", root.Message);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
