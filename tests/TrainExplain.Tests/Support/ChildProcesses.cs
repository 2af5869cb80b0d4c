using System.Diagnostics;
using System.Reflection;

namespace TrainExplain.Tests.Support;

/// <summary>The child programs some tests run as separate processes, found by the paths the test project records.</summary>
internal static class ChildProcesses
{
    /// <summary>
    /// How to start the child whose built DLL the test assembly records under the AssemblyMetadata
    /// <paramref name="pathKey"/> (set by the project file), with <paramref name="args"/> and both streams captured.
    /// </summary>
    internal static ProcessStartInfo StartInfo(string pathKey, params string[] args)
    {
        var childPath = typeof(ChildProcesses).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == pathKey)?.Value
            ?? throw new InvalidOperationException($"The test assembly lacks the AssemblyMetadata '{pathKey}' set by its project file.");
        if (!File.Exists(childPath))
        {
            throw new FileNotFoundException($"The child program '{childPath}' is not built.", childPath);
        }

        // dotnet test and MSBuild set DOTNET_HOST_PATH; a test executable started directly finds dotnet on PATH.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            ArgumentList = { "exec", childPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return start;
    }
}
