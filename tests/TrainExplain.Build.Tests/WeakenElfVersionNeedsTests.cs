using Microsoft.Build.Framework;

namespace TrainExplain.Build.Tests;

public sealed class WeakenElfVersionNeedsTests
{
    private const string Gcc13Version = "GLIBCXX_3.4.32";

    [Fact]
    public void Weakening_GCC_13s_version_changes_one_flag_byte_and_nothing_binds_to_it()
    {
        var original = File.ReadAllBytes(BuildPaths.LibTorchSharp);
        var image = (byte[])original.Clone();

        var weakened = WeakenElfVersionNeeds.Weaken(image, new HashSet<string> { Gcc13Version }, out var bound);

        Assert.Equal([Gcc13Version], weakened);
        Assert.Empty(bound);
        var changed = Enumerable.Range(0, image.Length).Where(i => image[i] != original[i]).ToList();
        Assert.Single(changed);
        Assert.Equal(original[changed[0]] | 0x2, image[changed[0]]);   // VER_FLG_WEAK in the low byte of vna_flags
    }

    [Fact]
    public void Weakening_is_idempotent()
    {
        var image = File.ReadAllBytes(BuildPaths.LibTorchSharp);
        WeakenElfVersionNeeds.Weaken(image, new HashSet<string> { Gcc13Version }, out _);
        var once = (byte[])image.Clone();

        WeakenElfVersionNeeds.Weaken(image, new HashSet<string> { Gcc13Version }, out _);

        Assert.Equal(once, image);
    }

    [Fact]
    public void A_version_that_relocations_use_is_reported_with_the_symbols_that_bind_to_it()
    {
        var image = File.ReadAllBytes(BuildPaths.LibTorchSharp);

        WeakenElfVersionNeeds.Weaken(image, new HashSet<string> { "GLIBCXX_3.4.30" }, out var bound);

        Assert.Contains("_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE", bound);
    }

    [Fact]
    public void A_version_the_file_does_not_need_changes_nothing()
    {
        var original = File.ReadAllBytes(BuildPaths.LibTorchSharp);
        var image = (byte[])original.Clone();

        var weakened = WeakenElfVersionNeeds.Weaken(image, new HashSet<string> { "GLIBCXX_9.9.99" }, out var bound);

        Assert.Empty(weakened);
        Assert.Empty(bound);
        Assert.Equal(original, image);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(4096)]
    public void A_truncated_library_is_invalid_data_not_a_crash(int length)
    {
        var image = File.ReadAllBytes(BuildPaths.LibTorchSharp).AsSpan(0, length).ToArray();

        Assert.Throws<InvalidDataException>(() => WeakenElfVersionNeeds.Weaken(image, new HashSet<string> { Gcc13Version }, out _));
    }

    [Fact]
    public void A_file_that_is_not_ELF_is_invalid_data()
    {
        var text = "not a shared library, just text that is long enough to hold an ELF header's 64 bytes......"u8.ToArray();

        var error = Assert.Throws<InvalidDataException>(() => WeakenElfVersionNeeds.Weaken(text, new HashSet<string> { Gcc13Version }, out _));
        Assert.Contains("not an ELF file", error.Message);
    }

    [Fact]
    public void The_task_writes_the_weakened_copy_and_leaves_the_source_alone()
    {
        using var folder = new TemporaryFolder();
        var destination = Path.Combine(folder.Path, "nested", "libLibTorchSharp.so");
        var before = File.ReadAllBytes(BuildPaths.LibTorchSharp);
        var engine = new RecordingBuildEngine();

        var task = new WeakenElfVersionNeeds { BuildEngine = engine, Source = BuildPaths.LibTorchSharp, Destination = destination, Versions = [Gcc13Version] };

        Assert.True(task.Execute(), string.Join("\n", engine.Errors));
        Assert.Equal([Gcc13Version], task.Weakened);
        Assert.Equal(before, File.ReadAllBytes(BuildPaths.LibTorchSharp));
        Assert.Equal(before.Length, new FileInfo(destination).Length);
        Assert.False(File.Exists(destination + ".tmp"));
    }

    [Fact]
    public void The_task_fails_the_build_naming_the_symbol_when_a_relocation_binds_to_a_weakened_version()
    {
        using var folder = new TemporaryFolder();
        var destination = Path.Combine(folder.Path, "libLibTorchSharp.so");
        var engine = new RecordingBuildEngine();

        var task = new WeakenElfVersionNeeds { BuildEngine = engine, Source = BuildPaths.LibTorchSharp, Destination = destination, Versions = ["GLIBCXX_3.4.30"] };

        Assert.False(task.Execute());
        Assert.Contains(engine.Errors, e => e.Contains("_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE") && e.Contains("GLIBCXX_3.4.30"));
        Assert.False(File.Exists(destination));
    }

    [Fact]
    public void The_task_reports_a_missing_source_as_a_build_error()
    {
        using var folder = new TemporaryFolder();
        var engine = new RecordingBuildEngine();

        var task = new WeakenElfVersionNeeds { BuildEngine = engine, Source = Path.Combine(folder.Path, "absent.so"), Destination = Path.Combine(folder.Path, "out.so"), Versions = [Gcc13Version] };

        Assert.False(task.Execute());
        Assert.Contains(engine.Errors, e => e.Contains("absent.so"));
    }

    /// <summary>Collects what a task logs.</summary>
    private sealed class RecordingBuildEngine : IBuildEngine
    {
        public List<string> Errors { get; } = [];

        public bool ContinueOnError => false;

        public int LineNumberOfTaskNode => 0;

        public int ColumnNumberOfTaskNode => 0;

        public string ProjectFileOfTaskNode => "test.proj";

        public bool BuildProjectFile(string projectFileName, string[] targetNames, System.Collections.IDictionary globalProperties, System.Collections.IDictionary targetOutputs) => false;

        public void LogCustomEvent(CustomBuildEventArgs e)
        {
        }

        public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e.Message ?? "");

        public void LogMessageEvent(BuildMessageEventArgs e)
        {
        }

        public void LogWarningEvent(BuildWarningEventArgs e)
        {
        }
    }
}
