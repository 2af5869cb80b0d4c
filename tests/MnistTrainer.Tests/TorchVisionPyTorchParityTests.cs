using MnistTrainer.Models;
using MnistTrainer.Tests.Support;
using TrainExplain.Data;
using TrainExplain.Data.SafeTensors;

namespace MnistTrainer.Tests;

/// <summary>
/// Issue 23, item 1, against Debian's PyTorch 1.13 with torchvision 0.14: a state_dict that torchvision's own model
/// saved (<c>torch.save(model.state_dict())</c>, random weights of a fixed seed) loads strictly into TorchSharp's model of
/// the same name and gives PyTorch's logits, and <c>explain --method gradcam</c> gives PyTorch's targets, scores and
/// Grad-CAM on the architecture's default layer, for every torchvision architecture of <c>--arch</c>.
/// </summary>
public sealed class TorchVisionPyTorchParityTests : IDisposable
{
    /// <summary>
    /// Float32 results of two libraries differ by summation order: 1e-4 of the largest magnitude (logits, or the CAM's
    /// maximum) leaves room for the 25,088-term sums of VGG's first linear layer, and is far below any wrong weight's effect.
    /// </summary>
    private const double RelativeTolerance = 1e-4;

    /// <summary>torchvision's model of sys.argv[1], seeded, saved as a state_dict; N random 224-px images; prints its logits.</summary>
    private const string PyTorchModel = """
        import torchvision
        name, weights, images, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)().eval()
        torch.save(model.state_dict(), weights)
        x = torch.rand(count, 3, 224, 224, generator=torch.Generator().manual_seed(1))
        r.save_safetensors(images, {"images": x})
        with torch.no_grad():
            print(json.dumps(model(x).tolist()))
        """;

    private readonly string root = Directory.CreateTempSubdirectory("torchvision-parity").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>
    /// The logits, then <c>explain --method gradcam</c> on the architecture's default CAM layer (layer4, VGG's and
    /// AlexNet's last ReLU of <c>features</c>, MobileNetV2's <c>features.18</c>) against the reference's Grad-CAM of that
    /// layer: the same targets, scores and attributions. ResNet-18 with two images; the heavier ones (VGG's 138M
    /// parameters, MobileNetV2's slow depthwise convs on CPU) with one.
    /// </summary>
    [Theory]
    [InlineData("resnet18", 2)]
    [InlineData("resnet34", 1)]
    [InlineData("resnet50", 1)]
    [InlineData("vgg11", 1)]
    [InlineData("vgg11_bn", 1)]
    [InlineData("vgg16", 1)]
    [InlineData("vgg16_bn", 1)]
    [InlineData("mobilenet_v2", 1)]
    [InlineData("alexnet", 1)]
    public void PyTorchStateDictLoadsStrictlyAndGivesPyTorchsLogitsAndGradCam(string arch, int count)
    {
        ReferencePython.RequireTorchVision();
        var layer = Architectures.Get(arch).CamLayer!;
        var (weights, images, reference) = (Path.Combine(root, $"{arch}.pt"), Path.Combine(root, "images.safetensors"), Path.Combine(root, "reference.safetensors"));
        var pytorch = ReferencePython.RunForRows(PyTorchModel + """

            targets = r.predicted_targets(model, x)
            out = r.gradcam(model, x, targets, layer=sys.argv[5])
            r.save_safetensors(sys.argv[6], {k: out[k] for k in ("attributions", "targets", "scores")})
            """, arch, weights, images, count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer, reference);

        using var scope = NewDisposeScope();
        using (var model = Architectures.Create(arch))
        {
            ModelWeights.Load(model, weights);
            model.eval();
            using var noGrad = no_grad();
            var ours = model.call(TensorSafeTensors.Load(images)["images"]);
            Assert.Equal([count, 1000L], ours.shape);
            var expected = pytorch.SelectMany(row => row).ToArray();
            var tolerance = RelativeTolerance * expected.Max(Math.Abs);
            var worst = expected.Zip(ours.data<float>().ToArray(), (e, a) => Math.Abs(e - a)).Max();
            Assert.True(worst <= tolerance, $"{arch}: largest logit difference {worst} > {tolerance}");
        }

        var output = Path.Combine(root, "explained");
        Cli.Succeed("explain", "--arch", arch, "--weights", weights, "--input", images, "--method", "gradcam", "--out", output, "--device", "cpu");
        var (explained, theirs) = (TensorSafeTensors.Load(Path.Combine(output, "gradcam.safetensors")), TensorSafeTensors.Load(reference));
        Assert.Equal(theirs["targets"].data<long>().ToArray(), explained["targets"].data<long>().ToArray());
        foreach (var name in new[] { "scores", "attributions" })
        {
            Assert.Equal(theirs[name].shape, explained[name].shape);
            var tolerance = RelativeTolerance * theirs[name].abs().max().item<float>();
            var worst = (explained[name] - theirs[name]).abs().max().item<float>();
            Assert.True(worst <= tolerance, $"{arch} on {layer}, {name}: largest difference {worst} > {tolerance}");
        }
        Assert.True(theirs["attributions"].max().item<float>() > 0, $"{arch}: the reference CAM is not all zeros, so the comparison says something");
    }
}
