using System.Text.Json;
using MnistTrainer.Models;
using MnistTrainer.Tests.Support;
using TrainExplain.Data;
using TrainExplain.Data.SafeTensors;
using TrainExplain.Explainers;
using TrainExplain.Imaging;

namespace MnistTrainer.Tests;

/// <summary>
/// Issue 23, items 1 and 3: <c>explain --arch resnet18</c> and the other torchvision architectures, their default CAM
/// layers, <c>--num-classes</c>, the built-in ImageNet class names and <c>--classes</c>; every method runs on resnet18
/// or is refused with the reason.
/// </summary>
public sealed class TorchVisionArchitecturesTests(ResNet18Files files) : IClassFixture<ResNet18Files>, IDisposable
{
    /// <summary>The methods whose backward rules reach only ReLU modules; resnet18 ends each block with a functional relu_().</summary>
    private static readonly string[] ReluRuleMethods = ["guidedbackprop", "deeplift", "guided_gradcam"];

    private readonly string root = Directory.CreateTempSubdirectory("torchvision-explain").FullName;

    public static TheoryData<string> Methods => [.. ExplainerCatalog.Names];

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Theory]
    [MemberData(nameof(Methods))]
    public void EveryMethodRunsOnResNet18OrIsRefusedWithTheReason(string method)
    {
        var output = Path.Combine(root, method);
        string[] cost = method switch
        {
            "ig" => ["--steps", "4"],
            "smoothgrad" or "smoothgrad_sq" or "vargrad" => ["--samples", "3"],
            "scorecam" => ["--max-channels", "4"],
            ExplainerCatalog.ClassVisualization => ["--steps", "2", "--target", "7"],
            _ => [],
        };
        string[] arguments = ["explain", "--arch", "resnet18", "--weights", files["resnet18.safetensors"], "--method", method, "--input", files["input.safetensors"],
            "--out", output, "--device", "cpu", .. cost];
        if (ReluRuleMethods.Contains(method))
        {
            var (exitCode, _, error) = Cli.Run(arguments);
            Assert.NotEqual(0, exitCode);
            Cli.AssertOneLineErrors(error);
            Assert.Contains($"--method {method} cannot run on --arch resnet18: its residual blocks apply their last ReLU as a tensor function (x.add_(identity).relu_())", error);
            Assert.False(Directory.Exists(output), "nothing is written for a refused method");
            return;
        }

        var printed = Cli.Succeed(arguments);

        using var scope = NewDisposeScope();
        var saved = TensorSafeTensors.Load(Path.Combine(output, $"{method}.safetensors"));
        Assert.True(saved["attributions"].isfinite().all().item<bool>(), $"{method}'s attributions are finite");
        if (method == ExplainerCatalog.ClassVisualization)
        {
            Assert.Equal([7L], saved["targets"].data<long>().ToArray());
            Assert.Equal([1L, 3, 224, 224], saved["attributions"].shape);
        }
        else
        {
            Assert.Equal(2, saved["targets"].shape[0]);
            // Activations are layer4's own [2, 512, 2, 2]; every other method's map is at the input's 64x64.
            Assert.Equal(method == "activations" ? 2 : 64, saved["attributions"].shape[^1]);
        }
        if (method is "gradcam" or "gradcampp" or "layercam" or "scorecam" or "activations")
        {
            // The architecture's CAM layer stands in for the library's last Conv2d (layer4.1.conv2 here).
            Assert.Contains("[layer4]:", printed);
        }
    }

    [Fact]
    public void ImageNetNamesLabelTheFigureTheSummaryAndTheMetadata()
    {
        var output = Path.Combine(root, "gradcam");
        var printed = Cli.Succeed("explain", "--arch", "resnet18", "--weights", files["resnet18.safetensors"], "--method", "gradcam", "--input", files["input.safetensors"],
            "--target", "label", "--out", output, "--device", "cpu");

        // The labels are classes 1 and 999 of ImageNet-1k, as torchvision 0.14 names them.
        Assert.Contains("targets [1 goldfish, 999 toilet tissue]", printed);
        var metadata = TrainExplain.Data.SafeTensors.SafeTensorsFile.Load(Path.Combine(output, "gradcam.safetensors")).Metadata;
        Assert.Equal(["goldfish", "toilet tissue"], JsonSerializer.Deserialize<string[]>(metadata["target_names"])!);

        using var scope = NewDisposeScope();
        using var model = Architectures.Create("resnet18");
        ModelWeights.Load(model, files["resnet18.safetensors"]);
        model.eval();
        var inputs = TensorSafeTensors.Load(files["input.safetensors"]);
        using var explanation = new GradCam(model, "layer4").Explain(inputs["images"], Targets.Labels(inputs["labels"]));
        var labels = TileLabels.ForInputs(model, inputs["images"], explanation.Targets, inputs["labels"], ImageNetClasses.Names);
        Assert.Equal(["goldfish", "toilet tissue"], labels.Select(l => l.TrueClass));
        // 224-px tiles are drawn at their own size (the architecture's figure options), not enlarged as MNIST's are.
        var figure = explanation.RenderFigure(labels, options: Architectures.Get("resnet18").FigureOptions(null));
        Assert.Equal(figure.Pixels, ImageFile.Load(Path.Combine(output, "gradcam.png")).ToChannels(3).Pixels);
    }

    [Fact]
    public void ImageNetNamesAreTorchVisionsThousandInOrder()
    {
        var names = ImageNetClasses.Names;
        Assert.Equal(1000, names.Count);
        Assert.Equal(["tench", "goldfish", "great white shark"], names.Take(3));
        Assert.Equal("toilet tissue", names[999]);
    }

    [Fact]
    public void ClassesFileNamesTheClassesOfTheSummaryAndTheMetadata()
    {
        var classes = Path.Combine(root, "classes.txt");
        File.WriteAllText(classes, string.Join('\n', Enumerable.Range(0, 1000).Select(c => $"class é{c}")) + "\n");
        var output = Path.Combine(root, "named");
        var printed = Cli.Succeed("explain", "--arch", "resnet18", "--weights", files["resnet18.safetensors"], "--method", "vanilla", "--input", files["input.safetensors"],
            "--target", "label", "--classes", classes, "--out", output, "--device", "cpu");

        Assert.Contains("targets [1 class é1, 999 class é999]", printed);
        var metadata = TrainExplain.Data.SafeTensors.SafeTensorsFile.Load(Path.Combine(output, "vanilla.safetensors")).Metadata;
        Assert.Equal(["class é1", "class é999"], JsonSerializer.Deserialize<string[]>(metadata["target_names"])!);
    }

    [Theory]
    [InlineData("a\nb\n\nd\n", "line 3 is blank; each line names one class (class 2 here)")]
    [InlineData("a\nb\n", "names 2 classes; the model has 1000 (one name per line, line i for class i - 1)")]
    public void ClassesFileWithABlankLineOrTheWrongCountIsRefused(string text, string expected)
    {
        var classes = Path.Combine(root, "classes.txt");
        File.WriteAllText(classes, text);
        var output = Path.Combine(root, "refused");

        var (exitCode, _, error) = Cli.Run("explain", "--arch", "resnet18", "--weights", files["resnet18.safetensors"], "--method", "vanilla",
            "--input", files["input.safetensors"], "--classes", classes, "--out", output, "--device", "cpu");

        Assert.NotEqual(0, exitCode);
        Cli.AssertOneLineErrors(error);
        Assert.Contains($"--classes {classes}", error);
        Assert.Contains(expected, error);
        Assert.False(Directory.Exists(output), "the error comes before any output");
    }

    [Fact]
    public void ClassesFileThatIsNotUtf8IsRefused()
    {
        var classes = Path.Combine(root, "latin1.txt");
        File.WriteAllBytes(classes, [0x63, 0x61, 0x66, 0xE9, 0x0A]);

        var (exitCode, _, error) = Cli.Run("explain", "--arch", "resnet18", "--weights", files["resnet18.safetensors"], "--method", "vanilla",
            "--input", files["input.safetensors"], "--classes", classes, "--out", Path.Combine(root, "out"), "--device", "cpu");

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"--classes {classes} is not UTF-8 text", error);
    }

    [Theory]
    [InlineData("simple", "5", "--num-classes 5: --arch simple has 10 outputs")]
    [InlineData("resnet18", "0", "--num-classes must be at least 1, got 0.")]
    public void NumClassesThatTheArchitectureCannotTakeIsRefused(string arch, string count, string expected)
    {
        var (exitCode, _, error) = Cli.Run("explain", "--arch", arch, "--num-classes", count, "--weights", files["resnet18.safetensors"], "--method", "vanilla",
            "--input", files["input.safetensors"], "--out", Path.Combine(root, "out"), "--device", "cpu");

        Assert.NotEqual(0, exitCode);
        Cli.AssertOneLineErrors(error);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void NumClassesThatTheWeightsDoNotHaveNamesTheLastLayer()
    {
        var (exitCode, _, error) = Cli.Run("explain", "--arch", "resnet18", "--num-classes", "10", "--weights", files["resnet18.safetensors"], "--method", "vanilla",
            "--input", files["input.safetensors"], "--out", Path.Combine(root, "out"), "--device", "cpu");

        Assert.NotEqual(0, exitCode);
        Cli.AssertOneLineErrors(error);
        Assert.Contains("fc.weight", error);
        Assert.Contains("(with --arch resnet18); it fits none of the other architectures with 10 classes", error);
        Assert.Contains("check --num-classes", error);
    }

    [Fact]
    public void ResNet18WeightsWithAnotherArchNameTheParameterAndSuggestResNet18()
    {
        var (exitCode, _, error) = Cli.Run("explain", "--arch", "resnet34", "--weights", files["resnet18.safetensors"], "--method", "vanilla",
            "--input", files["input.safetensors"], "--out", Path.Combine(root, "out"), "--device", "cpu");

        Assert.NotEqual(0, exitCode);
        Cli.AssertOneLineErrors(error);
        Assert.Contains("layer1.2.", error);
        Assert.EndsWith("(with --arch resnet34); the file fits --arch resnet18.", error.Trim());
    }

    [Fact]
    public void InputOfTheWrongChannelsIsRefusedNamingTheShapeExpected()
    {
        var inputs = Path.Combine(root, "gray.safetensors");
        using (var scope = NewDisposeScope())
        {
            TensorSafeTensors.Save(inputs, new Dictionary<string, Tensor> { ["images"] = rand([1, 1, 64, 64]) });
        }

        var (exitCode, _, error) = Cli.Run("explain", "--arch", "resnet18", "--weights", files["resnet18.safetensors"], "--method", "vanilla",
            "--input", inputs, "--out", Path.Combine(root, "out"), "--device", "cpu");

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"--input {inputs}: 'images' must be float32 [N, 3, H, W] with H, W >= 32 (the model's input), got Float32 [1, 1, 64, 64].", error);
    }

    /// <summary>
    /// AlexNet's ReLUs are in-place modules run with .call(): DeepLIFT's Rescale rule reaches every one (and every
    /// max-pool), which summation-to-delta shows: the attributions sum to S(x) - S(baseline) up to float32 rounding
    /// (1e-9 measured against scores of 1e-2), where one ReLU left with its plain gradient would break it.
    /// </summary>
    [Fact]
    public void DeepLiftRunsOnAlexNetWithEveryReluReachedSoItsAttributionsSumToTheScoreDifference()
    {
        var weights = Path.Combine(root, "alexnet.safetensors");
        using (var scope = NewDisposeScope())
        {
            manual_seed(29);
            using var model = Architectures.Create("alexnet", 10);
            ModelWeights.Save(model, weights);
        }
        var output = Path.Combine(root, "deeplift");

        Cli.Succeed("explain", "--arch", "alexnet", "--num-classes", "10", "--weights", weights, "--method", "deeplift", "--input", files["input.safetensors"],
            "--out", output, "--device", "cpu");

        using var saved = NewDisposeScope();
        var tensors = TensorSafeTensors.Load(Path.Combine(output, "deeplift.safetensors"));
        var delta = tensors["delta"].abs().max().item<float>();
        var tolerance = 1e-4 * tensors["scores"].abs().max().item<float>();
        Assert.True(delta <= tolerance, $"summation-to-delta is off by {delta} > {tolerance}");
    }

    [Fact]
    public void DefaultCamLayersAreTheLayersUsersExpect()
    {
        // Each default layer exists with the type the README states: ResNets' last stage, VGG's and AlexNet's last ReLU of
        // features (the rectified last conv, before the last max-pool), MobileNetV2's last conv block (a Sequential in TorchSharp).
        (string Arch, string Type)[] expected =
        [
            ("resnet18", "Sequential"), ("vgg11", "ReLU"), ("vgg11_bn", "ReLU"), ("vgg16", "ReLU"), ("vgg16_bn", "ReLU"), ("alexnet", "ReLU"), ("mobilenet_v2", "Sequential"),
        ];
        foreach (var (arch, type) in expected)
        {
            var architecture = Architectures.Get(arch);
            using var model = architecture.Factory(2);
            var modules = model.named_modules().ToList();
            var layer = modules.Single(m => m.name == architecture.CamLayer).module;
            Assert.Equal(type, layer.GetType().Name);
            if (type == "ReLU")
            {
                // The last ReLU of features: only max-pools follow it there.
                var after = modules.SkipWhile(m => m.name != architecture.CamLayer).Skip(1).TakeWhile(m => m.name.StartsWith("features.", StringComparison.Ordinal));
                Assert.All(after, m => Assert.Equal("MaxPool2d", m.module.GetType().Name));
            }
        }
    }
}
