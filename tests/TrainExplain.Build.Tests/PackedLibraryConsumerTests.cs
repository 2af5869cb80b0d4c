using System.Text.RegularExpressions;

namespace TrainExplain.Build.Tests;

/// <summary>
/// Applications outside the solution reference the packed library from a local folder feed, as a user's would: one
/// runs an explainer on a frozen model, which proves the buildTransitive step makes TorchSharp load on this machine's libstdc++ (Debian
/// 12 stops at GLIBCXX_3.4.30) with no help from the repository's own build files; one runs the README's sample.
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
        Console.WriteLine($"explained {explanation.Raw.shape[0]} heap-tuned={NativeHeap.Tuned}");   // loading and using the library leaves malloc alone
        Console.WriteLine($"heap-tuned-on-request={NativeHeap.Tune()}");
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

        // glibc's heap is the application's: only its explicit call tunes it.
        Assert.Contains("explained 2 heap-tuned=False", printed);
        Assert.Contains("heap-tuned-on-request=True", printed);
        // The numerics guard reaches libtorch's switches from an application outside the solution too.
        Assert.Contains("numerics checked=True right-after=True", printed);
        Assert.False(Directory.Exists(Path.Combine(output, "cpu")), "TorchSharp fell back to copying libtorch into cpu/");
        // Labels are drawn with SkiaSharp, whose Linux library comes with the package: two 8x8 tiles (x4, framed) under a caption, over two label lines
        // and a colour bar whose normalization note takes two lines in 480 px.
        Assert.Contains("figure 480x125", printed);
        Assert.True(File.Exists(Path.Combine(output, "runtimes", "linux-x64", "native", "libSkiaSharp.so")), "libSkiaSharp.so did not reach the consumer");
    }

    /// <summary>
    /// Issue 24: the README's sample, as written, runs to the end in an empty folder (the consumer project's), on the
    /// Fashion-MNIST that scripts/setup.sh installs, and leaves its run: an event file whose HParams session ended, the
    /// callbacks' pictures, the SmoothGrad outputs and the weights.
    /// </summary>
    [Fact]
    public void The_READMEs_library_sample_runs_to_the_end_against_the_packed_library()
    {
        Assert.SkipUnless(File.Exists(Path.Combine(FashionMnist, "train-images-idx3-ubyte.gz")), $"Fashion-MNIST is not in {FashionMnist}; scripts/setup.sh installs it.");
        var readme = File.ReadAllText(Path.Combine(BuildPaths.RepositoryRoot, "README.md"));
        var section = readme[readme.IndexOf("## Using the library", StringComparison.Ordinal)..];
        var sample = CSharpBlock().Match(section);
        Assert.True(sample.Success, "README.md has no ```csharp block under '## Using the library'");
        var project = library.BuildConsumer("ReadmeSample", sample.Groups["code"].Value);

        PackedLibrary.Run(Path.Combine(project, "bin", "Release", "net10.0", "ReadmeSample"), project);

        var run = Assert.Single(Directory.GetDirectories(Path.Combine(project, "runs", "fashion")));
        var eventFile = Assert.Single(Directory.GetFiles(run, "events.out.tfevents.*"));
        Assert.True(File.ReadAllBytes(eventFile).AsSpan().IndexOf("_hparams_/session_end_info"u8) >= 0, $"{eventFile} has no HParams session end");
        string[] outputs =
        [
            "images/integratedgradients/epoch_001.png", "images/integratedgradients/epoch_002.png", "images/integratedgradients/evolution.png",
            "images/gradcam-conv1/epoch_002.png", "images/gradcamplusplus/epoch_002.png", "images/fullgrad/epoch_002.png",
            "images/activationmaximization/epoch_001.png", "smoothgrad.png", "smoothgrad-figure.png", "smoothgrad.safetensors", "model.safetensors",
        ];
        Assert.All(outputs, output => Assert.True(new FileInfo(Path.Combine(run, output)) is { Exists: true, Length: > 0 }, $"{output} is missing or empty in {run}"));
    }

    /// <summary>Where Debian's dataset-fashion-mnist package puts the data, as the README's sample reads it.</summary>
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    [GeneratedRegex("```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
