using System.Text.RegularExpressions;

namespace TrainExplain.Build.Tests;

/// <summary>
/// Applications outside the solution reference the packed library from a local folder feed, as a user's would: one
/// runs an explainer on a frozen model, which proves the buildTransitive step makes TorchSharp load on this machine's libstdc++ (Debian
/// 12 stops at GLIBCXX_3.4.30) with no help from the repository's own build files; one compiles the README's sample.
/// </summary>
public sealed partial class PackedLibraryConsumerTests(PackedLibrary library) : IClassFixture<PackedLibrary>
{
    private const string ExplainProgram = """
        using TorchSharp;
        using TrainExplain;
        using TrainExplain.Explainers;
        using TrainExplain.Imaging;
        using static TorchSharp.torch;

        torch.manual_seed(0);
        var model = nn.Sequential(("conv", nn.Conv2d(1, 4, 3, padding: 1)), ("relu", nn.ReLU()),
            ("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(4, 3)));
        foreach (var parameter in model.parameters())
        {
            parameter.requires_grad_(false);   // a frozen model: Grad-CAM still takes its layer's gradient
        }
        using var images = torch.rand(2, 1, 8, 8);
        using var explanation = new GradCam(model, layer: "conv").Explain(images, Targets.Predicted);
        Console.WriteLine($"explained {explanation.Raw.shape[0]} heap-tuned={NativeHeap.Tuned}");
        var numerics = TrainExplain.Numerics.NumericsGuard.Report!;
        Console.WriteLine($"numerics checked={numerics.ShapesChecked > 0} right-after={numerics.ShapesWrongAfterRemedy == 0}");
        var figure = explanation.RenderFigure([new TileLabel("cat", "dog", 0.75f, null), new TileLabel("dog", "dog", 0.5f, null)]);
        Console.WriteLine($"figure {figure.Width}x{figure.Height}");
        """;

    /// <summary>
    /// A third-party method written against the public API only (this program has no access to the library's internals,
    /// unlike the test assemblies): it overrides the protected members of <c>Explainer</c>, shares the gradient pass of
    /// an <c>ExplainerSet</c> with vanilla gradients, and gives their square.
    /// </summary>
    private const string ThirdPartyMethodProgram = """
        using TorchSharp;
        using TrainExplain.Explainers;
        using static TorchSharp.torch;

        torch.manual_seed(0);
        using var model = nn.Sequential(("conv", nn.Conv2d(1, 4, 3, padding: 1)), ("relu", nn.ReLU()),
            ("flatten", nn.Flatten()), ("fc", nn.Linear(4 * 64, 3)));
        using var images = torch.rand(3, 1, 8, 8);
        var gradientPasses = 0;
        var hook = model.register_forward_hook((_, input, output) =>
        {
            gradientPasses += input.requires_grad ? 1 : 0;
            return output;
        });
        var results = new ExplainerSet([new VanillaGradients(model), new SquaredGradients(model)]).Explain(images, Targets.Predicted);
        hook.remove();
        using var vanilla = results[0];
        using var squared = results[1];
        var equal = vanilla.Raw.square().data<float>().ToArray().SequenceEqual(squared.Raw.data<float>().ToArray());
        Console.WriteLine($"{squared.Method}: passes={gradientPasses} pass='{squared.Parameters["gradient_pass"]}' power={squared.Parameters["power"]} equal={equal}");

        /// <summary>raw = (dS/dx)^2: one pass, which an ExplainerSet shares.</summary>
        internal sealed class SquaredGradients(nn.Module<Tensor, Tensor> model) : Explainer(model, ScoreKind.Logit, internalBatchSize: 256)
        {
            protected override GradientRequest? SharedPassRequest(Tensor inputs) => GradientRequest.InputOnly;

            protected override Explanation Compute(ExplainContext context)
            {
                var raw = context.Gradients(context.Request!).Input!.square();
                return context.Attribution(raw, Heatmaps.ChannelReduction(raw), Normalization.Percentile, passes: 1);
            }

            protected override IEnumerable<(string Name, string Value)> DescribeParameters() => base.DescribeParameters().Append(("power", "2"));
        }
        """;

    [Fact]
    public void A_method_written_outside_the_library_shares_the_pass_of_an_explainer_set()
    {
        var project = library.BuildConsumer("ThirdPartyMethod", ThirdPartyMethodProgram);

        var printed = PackedLibrary.Run(Path.Combine(project, "bin", "Release", "net10.0", "ThirdPartyMethod"), project);

        Assert.Contains("SquaredGradients: passes=1 pass='shared by 2 methods' power=2 equal=True", printed);
    }

    [Fact]
    public void A_consumer_of_the_packed_library_runs_TorchSharp_on_this_machine()
    {
        var project = library.BuildConsumer("Explain", ExplainProgram);
        var output = Path.Combine(project, "bin", "Release", "net10.0");

        var printed = PackedLibrary.Run(Path.Combine(output, "Explain"), project);

        Assert.Contains("explained 2 heap-tuned=True", printed);
        // The numerics guard reaches libtorch's switches from an application outside the solution too.
        Assert.Contains("numerics checked=True right-after=True", printed);
        Assert.False(Directory.Exists(Path.Combine(output, "cpu")), "TorchSharp fell back to copying libtorch into cpu/");
        // Labels are drawn with SkiaSharp, whose Linux library comes with the package: two 8x8 tiles (x4, framed) under a caption, over two label lines
        // and a colour bar whose normalization note takes two lines in 480 px.
        Assert.Contains("figure 480x125", printed);
        Assert.True(File.Exists(Path.Combine(output, "runtimes", "linux-x64", "native", "libSkiaSharp.so")), "libSkiaSharp.so did not reach the consumer");
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
