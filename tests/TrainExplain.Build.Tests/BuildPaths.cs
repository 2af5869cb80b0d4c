using System.Reflection;

namespace TrainExplain.Build.Tests;

/// <summary>Paths the project file bakes into the test assembly.</summary>
internal static class BuildPaths
{
    /// <summary>TorchSharp's own libLibTorchSharp.so in the NuGet cache, as the package ships it.</summary>
    public static string LibTorchSharp => Metadata("LibTorchSharpPath");

    /// <summary>The repository's root folder.</summary>
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    private static string Metadata(string key) =>
        typeof(BuildPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
