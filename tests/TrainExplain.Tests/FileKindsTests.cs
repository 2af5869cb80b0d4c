using TrainExplain.Testing;

namespace TrainExplain.Tests;

public sealed class FileKindsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("filekinds").FullName;

    [Theory]
    [InlineData("fifo", FileKind.Fifo)]
    [InlineData("device", FileKind.CharacterDevice)]
    [InlineData("socket", FileKind.Socket)]
    public void SpecialFilesAreToldApartFromRegularOnes(string kind, FileKind expected)
    {
        var path = SpecialFiles.Make(kind, Path.Combine(directory, kind));
        Assert.True(File.Exists(path), ".NET calls it a file");
        Assert.Equal(expected, FileKinds.Of(path));
        var link = Path.Combine(directory, "link");
        File.CreateSymbolicLink(link, path);
        Assert.Equal(expected, FileKinds.Of(link));
    }

    [Fact]
    public void FilesFoldersMissingPathsAndDanglingLinks()
    {
        var file = Path.Combine(directory, "file");
        File.WriteAllText(file, "x");
        Assert.Equal(FileKind.Regular, FileKinds.Of(file));
        Assert.Equal(FileKind.Directory, FileKinds.Of(directory));
        Assert.Equal(FileKind.Missing, FileKinds.Of(Path.Combine(directory, "absent")));
        var dangling = Path.Combine(directory, "dangling");
        File.CreateSymbolicLink(dangling, Path.Combine(directory, "absent"));
        Assert.Equal(FileKind.Missing, FileKinds.Of(dangling));
    }

    [Fact]
    public void EachKindIsDescribedInPlainWords()
    {
        Assert.Equal(["missing", "a regular file", "a folder", "a character device", "a block device", "a FIFO (named pipe)", "a socket"],
            Enum.GetValues<FileKind>().Select(k => k.Describe()));
        Assert.Equal("kind", Assert.Throws<ArgumentOutOfRangeException>(() => ((FileKind)99).Describe()).ParamName);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
