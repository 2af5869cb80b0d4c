using System.Globalization;
using MnistTrainer;
using MnistTrainer.Models;
using TrainExplain.Data;
using TrainExplain.Explainers;

namespace TrainExplain.Benchmarks;

/// <summary>
/// Whether a GPU explains as the CPU does: every method at its defaults (as <c>explain</c> makes it) on the example's
/// held validation batch (the test split's first 16 images, the batch <c>train</c> explains) with the simple ConvNet
/// (<c>--model</c>'s weights, else its seeded initial ones), each image explained for its label, once on the CPU and
/// once on the <c>--device</c> GPU. Each row is max |a_gpu - a_cpu| / max |a_cpu| over the method's raw attributions
/// (activation maximization: its class images) with TF32 off in cuDNN and cuBLAS, the figure held to 1e-4; the notes
/// give the same with cuDNN's TF32 on, libtorch's default for convolutions, which round their inputs to 10-bit
/// mantissas on Ampere and later GPUs, and with the model and images in float64 on both devices.
/// </summary>
internal static class DeviceAgreementBenchmarks
{
    /// <summary>The example's explained batch: <c>train --explain-count</c>'s default.</summary>
    private const int HeldBatch = 16;

    /// <summary>The largest relative difference a deterministic method may show between the devices.</summary>
    private const double Tolerance = 1e-4;

    internal static IReadOnlyList<BenchmarkRow> Run(string? modelPath, string? dataDirectory, Device device)
    {
        if (device.type != DeviceType.CUDA)
        {
            throw new ArgumentException($"--suite agreement compares the CPU with a GPU, not with --device {device}: give --device cuda or cuda:N.", nameof(device));
        }
        using var test = ImageDataset.LoadMnist(DataDirectory.Resolve(dataDirectory), train: false, limit: HeldBatch);
        var (images, labels) = test.Take(HeldBatch);
        using var _ = images;
        using var __ = labels;
        var targets = Targets.Of(labels.data<long>().ToArray());
        manual_seed(0);
        using var model = new SimpleConvNet();
        if (modelPath is not null)
        {
            ModelWeights.Load(model, modelPath);
        }
        model.eval();
        var onCpu = ExplainAll(ExplainerCatalog.Names, model, images, targets);
        model.to(device);
        using var gpuImages = images.to(device);
        var (convolutionTf32, matmulTf32) = (backends.cudnn.allow_tf32, backends.cuda.matmul.allow_tf32);
        try
        {
            (backends.cudnn.allow_tf32, backends.cuda.matmul.allow_tf32) = (false, false);
            var strict = ExplainAll(ExplainerCatalog.Names, model, gpuImages, targets);
            backends.cudnn.allow_tf32 = true;
            var tf32 = ExplainAll(ExplainerCatalog.Names, model, gpuImages, targets);
            // The input methods in float64 on both devices (activation maximization draws float32 images): where
            // float32's rounding decides which side of a ReLU or max-pool kink a value falls, float64's far smaller
            // rounding seldom does, so differences that float64 does not show come from there.
            var inputMethods = ExplainerCatalog.Names.Where(ExplainerCatalog.ExplainsInputs).ToList();
            model.to(ScalarType.Float64);
            using var gpuImages64 = gpuImages.to(ScalarType.Float64);
            var double64OnGpu = ExplainAll(inputMethods, model, gpuImages64, targets);
            model.to(CPU);
            using var images64 = images.to(ScalarType.Float64);
            var double64OnCpu = ExplainAll(inputMethods, model, images64, targets);
            var source = modelPath is null ? "initial weights (seed 0)" : Path.GetFileName(modelPath);
            return [.. onCpu.Keys.Select(name =>
            {
                var difference = RelativeDifference(onCpu[name], strict[name]);
                var verdict = difference <= Tolerance ? $"<= {Tolerance:G1}" : $"OVER {Tolerance:G1} in {ValuesOver(onCpu[name], strict[name])} of {onCpu[name].Length} values";
                return new BenchmarkRow("agreement", $"agreement/{name}", difference, "max rel. diff", string.Create(CultureInfo.InvariantCulture,
                    $"{verdict}; L2 {L2RelativeDifference(onCpu[name], strict[name]):G3}; TF32 on: {RelativeDifference(onCpu[name], tf32[name]):G3}; float64: {(double64OnCpu.TryGetValue(name, out var cpu64) ? RelativeDifference(cpu64, double64OnGpu[name]).ToString("G3", CultureInfo.InvariantCulture) : "-")}; {HeldBatch} test images, {source}"));
            })];
        }
        finally
        {
            (backends.cudnn.allow_tf32, backends.cuda.matmul.allow_tf32) = (convolutionTf32, matmulTf32);
        }
    }

    /// <summary>The raw result of each method of <paramref name="names"/>, as float64 on the CPU, by method name.</summary>
    private static Dictionary<string, double[]> ExplainAll(IEnumerable<string> names, nn.Module<Tensor, Tensor> model, Tensor images, Targets targets)
    {
        var settings = new ExplainerSettings();
        return names.ToDictionary(name => name, name =>
        {
            using var explanation = ExplainerCatalog.ExplainsInputs(name)
                ? ExplainerCatalog.CreateExplainer(name, model, settings).Explain(images, targets)
                : ExplainerCatalog.CreateClassVisualizer(model, settings).Visualize();
            using var values = explanation.Raw.detach().to(ScalarType.Float64, CPU);
            return values.data<double>().ToArray();
        });
    }

    /// <summary>How many values differ by more than the tolerance times the CPU's largest magnitude: one kink crossed, or all.</summary>
    private static int ValuesOver(double[] cpu, double[] gpu)
    {
        var bound = Tolerance * cpu.Max(Math.Abs);
        return cpu.Zip(gpu, (a, b) => Math.Abs(a - b) > bound).Count(over => over);
    }

    /// <summary>||gpu - cpu||_2 / ||cpu||_2: the difference over the whole result rather than at its worst value.</summary>
    private static double L2RelativeDifference(double[] cpu, double[] gpu)
    {
        var norm = Math.Sqrt(cpu.Sum(a => a * a));
        var difference = Math.Sqrt(cpu.Zip(gpu, (a, b) => (a - b) * (a - b)).Sum());
        return norm > 0 ? difference / norm : difference;
    }

    /// <summary>max |gpu - cpu| / max |cpu|; the absolute difference where the CPU's result is all zeros.</summary>
    private static double RelativeDifference(double[] cpu, double[] gpu)
    {
        if (cpu.Length != gpu.Length)
        {
            throw new InvalidOperationException($"the devices' results differ in size: {cpu.Length} against {gpu.Length} values");
        }
        var scale = cpu.Max(Math.Abs);
        var largest = cpu.Zip(gpu, (a, b) => Math.Abs(a - b)).Max();
        return scale > 0 ? largest / scale : largest;
    }
}
