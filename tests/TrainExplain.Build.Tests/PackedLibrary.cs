using System.Diagnostics;

namespace TrainExplain.Build.Tests;

/// <summary>
/// The library packed once into a local folder feed under a unique version, and consumer projects made outside the
/// solution that reference it from there as a user's application would. The unique version is removed from the NuGet
/// cache afterwards.
/// </summary>
public sealed class PackedLibrary : IDisposable
{
    private readonly TemporaryFolder folder = new();
    private readonly string feed;

    public PackedLibrary()
    {
        Version = "0.0.0-consumer." + Guid.NewGuid().ToString("N")[..8];
        feed = Path.Combine(folder.Path, "feed");
        Run("dotnet", BuildPaths.RepositoryRoot, "pack", "src/TrainExplain", "-c", "Release", "--no-build", "-o", feed, $"-p:Version={Version}", "-nologo");
    }

    /// <summary>The packed version.</summary>
    public string Version { get; }

    /// <summary>Writes a console project named <paramref name="name"/> with <paramref name="program"/> as its Program.cs, builds it in Release, and returns its folder.</summary>
    public string BuildConsumer(string name, string program)
    {
        var project = Path.Combine(folder.Path, name);
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TrainExplain" Version="{Version}" />
                <PackageReference Include="TorchSharp" Version="0.107.0" />
                <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="trainexplain-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), program);
        Run("dotnet", project, "build", "-c", "Release", "-nologo", "-clp:ErrorsOnly");
        return project;
    }

    /// <summary>Runs a program to completion (5 minutes at most) and returns its standard output; a non-zero exit fails the test with both streams.</summary>
    public static string Run(string file, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"{file} {string.Join(' ', arguments)} did not finish in 5 minutes");
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{output.Result}\n{error.Result}");
        return output.Result;
    }

    public void Dispose()
    {
        var cached = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages", "trainexplain", Version);
        if (Directory.Exists(cached))
        {
            Directory.Delete(cached, recursive: true);
        }
        folder.Dispose();
    }
}
