using System.Text.RegularExpressions;

namespace TrainExplain.Build.Tests;

/// <summary>
/// Applications outside the solution reference the packed library from a local folder feed, as a user's would: one
/// runs an explainer, which proves the buildTransitive step makes TorchSharp load on this machine's libstdc++ (Debian
/// 12 stops at GLIBCXX_3.4.30) with no help from the repository's own build files; one compiles the README's sample.
/// </summary>
public sealed partial class PackedLibraryConsumerTests(PackedLibrary library) : IClassFixture<PackedLibrary>
{
    private const string ExplainProgram = """
        using TorchSharp;
        using TrainExplain;
        using TrainExplain.Explainers;
        using static TorchSharp.torch;

        torch.manual_seed(0);
        var model = nn.Sequential(("conv", nn.Conv2d(1, 4, 3, padding: 1)), ("relu", nn.ReLU()),
            ("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(4, 3)));
        using var images = torch.rand(2, 1, 8, 8);
        using var explanation = new GradCam(model, layer: "conv").Explain(images, Targets.Predicted);
        Console.WriteLine($"explained {explanation.Raw.shape[0]} heap-tuned={NativeHeap.Tuned}");
        """;

    [Fact]
    public void A_consumer_of_the_packed_library_runs_TorchSharp_on_this_machine()
    {
        var project = library.BuildConsumer("Explain", ExplainProgram);
        var output = Path.Combine(project, "bin", "Release", "net10.0");

        var printed = PackedLibrary.Run(Path.Combine(output, "Explain"), project);

        Assert.Contains("explained 2 heap-tuned=True", printed);
        Assert.False(Directory.Exists(Path.Combine(output, "cpu")), "TorchSharp fell back to copying libtorch into cpu/");
    }

    [Fact]
    public void The_READMEs_library_sample_compiles_against_the_packed_library()
    {
        var readme = File.ReadAllText(Path.Combine(BuildPaths.RepositoryRoot, "README.md"));
        var section = readme[readme.IndexOf("## Using the library", StringComparison.Ordinal)..];
        var sample = CSharpBlock().Match(section);
        Assert.True(sample.Success, "README.md has no ```csharp block under '## Using the library'");

        library.BuildConsumer("ReadmeSample", sample.Groups["code"].Value);
    }

    [GeneratedRegex("```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
