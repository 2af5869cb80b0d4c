using TrainExplain.Testing;

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
    public void WriteCreatesANewFile()
    {
        var path = Path.Combine(directory, "new.bin");
        AtomicFile.Write(path, stream => stream.Write([1, 2, 3]));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(path, AtomicFile.ResolveTarget(path));
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

    [Theory]
    [InlineData("fifo", 'p', "a FIFO (named pipe)")]
    [InlineData("device", 'c', "a character device")]
    [InlineData("socket", 's', "a socket")]
    public void ASpecialFileIsRefusedAndKept(string kind, char type, string described)
    {
        var path = SpecialFiles.Make(kind, Path.Combine(directory, kind));
        var error = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream => stream.WriteByte(1)));
        Assert.Equal($"'{path}' is {described}, not a regular file; give the path of a file to write.", error.Message);
        Assert.Equal(type, SpecialFiles.TypeOf(path));
        Assert.Equal([kind], Directory.GetFileSystemEntries(directory).Select(Path.GetFileName));
    }

    [Fact]
    public void AFolderIsRefused()
    {
        var error = Assert.Throws<IOException>(() => AtomicFile.Write(directory, stream => stream.WriteByte(1)));
        Assert.Contains("is a folder, not a regular file", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(directory));
    }

    [Fact]
    public void ASymbolicLinkIsFollowedAndItsTargetReplaced()
    {
        var target = Path.Combine(directory, "target.bin");
        File.WriteAllBytes(target, [9]);
        var link = Path.Combine(directory, "link.bin");
        File.CreateSymbolicLink(link, "target.bin");
        AtomicFile.Write(link, stream => stream.Write([1, 2]));
        Assert.Equal([1, 2], File.ReadAllBytes(target));
        Assert.Equal("target.bin", new FileInfo(link).LinkTarget);
        Assert.Equal(["link.bin", "target.bin"], Directory.GetFileSystemEntries(directory).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void ADanglingLinkCreatesItsTarget()
    {
        var link = Path.Combine(directory, "link.bin");
        File.CreateSymbolicLink(link, Path.Combine(directory, "new.bin"));
        AtomicFile.Write(link, stream => stream.WriteByte(7));
        Assert.Equal([7], File.ReadAllBytes(Path.Combine(directory, "new.bin")));
        Assert.Equal('l', SpecialFiles.TypeOf(link));
    }

    [Fact]
    public void ALinkToADeviceIsRefusedNamingBoth()
    {
        var fifo = SpecialFiles.Fifo(Path.Combine(directory, "fifo"));
        var link = Path.Combine(directory, "link");
        File.CreateSymbolicLink(link, fifo);
        var error = Assert.Throws<IOException>(() => AtomicFile.Write(link, stream => stream.WriteByte(1)));
        Assert.Equal($"'{link}' (a link to {fifo}) is a FIFO (named pipe), not a regular file; give the path of a file to write.", error.Message);
        Assert.Equal('p', SpecialFiles.TypeOf(fifo));
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
