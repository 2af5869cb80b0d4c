using MnistTrainer;
using TrainExplain.Explainers;
using TrainExplain.Numerics;

namespace TrainExplain.Benchmarks;

/// <summary>
/// Each explainer at its defaults on a [64, 1, 28, 28] batch (or <c>--batch</c> images) with the example's simple
/// ConvNet, on the CPU or a GPU (<c>--device</c>): milliseconds per call, passes per image (the cost model), images per
/// second, and the time per pass against the best measured forward+backward per image, which says how close each method
/// is to its cost model.
/// </summary>
internal static class ExplainerBenchmarks
{
    /// <summary>The batch of the table in BENCHMARKS.md and of the PyTorch peer.</summary>
    internal const int DefaultBatch = 64;

    private static readonly string[] OnePassMethods = ["vanilla", "gradinput", "gradcam", "gradcampp", "fullgrad"];

    internal static IReadOnlyList<BenchmarkRow> Run(Func<nn.Module<Tensor, Tensor>> simpleModel, bool quick, Device device, int batch)
    {
        var guard = NumericsBenchmarks.GuardRow();
        manual_seed(0);
        using var model = simpleModel();
        model.to(device).eval();
        // Drawn on the CPU on every device, so that a CPU and a GPU run explain the same images.
        using var images = rand([batch, 1, 28, 28]).to(device, disposeAfter: true);
        var perImage = ForwardBackwardPerImage(model, images, device);
        var rows = new List<BenchmarkRow> { guard, new("explainers", "pass/fwd_bwd_per_image", perImage, "ms", $"best of forward+backward of {batch} images, / {batch}") };
        var liveBefore = LiveTensorCount();
        foreach (var name in ExplainerCatalog.Names)
        {
            var run = Run(name, model, images);
            var passes = 0;
            var (median, _) = Measure.Milliseconds(() =>
            {
                using var explanation = run();
                passes = explanation.Passes;
            }, repeats: quick ? 2 : 5, device: device);
            var explained = name == "actmax" ? 10 : batch;
            var bound = passes * perImage * explained;
            rows.Add(new BenchmarkRow("explainers", $"explain/{name}", median, "ms",
                $"{passes} passes/image, {explained * 1000 / median:F0} images/s, {median / bound:F2}x passes x best pass"));
        }
        rows.Add(SharedOnePass(model, images, rows, quick, device));
        // The leak check of the tests, on this device: every call above disposed its explanation, so none may remain.
        rows.Add(new BenchmarkRow("explainers", "leak/live_tensors", LiveTensorCount() - liveBefore, "tensors",
            $"live native tensors after every call above (each method {(quick ? 3 : 6)} times, then the shared pass) minus before, after a full collection: 0 is no leak"));
        rows.AddRange(((int[])[50, 20_000, IntegratedGradients.MaxSteps]).Select(m => GaussLegendreSetup(m, quick)));
        return rows;
    }

    /// <summary>One call of the method called <paramref name="name"/>: an explanation of <paramref name="images"/>, or activation maximization's ten pictures.</summary>
    private static Func<Explanation> Run(string name, nn.Module<Tensor, Tensor> model, Tensor images)
    {
        if (!ExplainerCatalog.ExplainsInputs(name))
        {
            return ExplainerCatalog.CreateClassVisualizer(model, new ExplainerSettings()).Visualize;
        }
        var explainer = ExplainerCatalog.CreateExplainer(name, model, new ExplainerSettings());
        return () => explainer.Explain(images, Targets.Predicted);
    }

    /// <summary>The one-pass methods as one <see cref="ExplainerSet"/> (one shared pass) against the sum of their separate calls.</summary>
    private static BenchmarkRow SharedOnePass(nn.Module<Tensor, Tensor> model, Tensor images, List<BenchmarkRow> rows, bool quick, Device device)
    {
        var set = new ExplainerSet(OnePassMethods.Select(name => ExplainerCatalog.CreateExplainer(name, model, new ExplainerSettings())));
        var (median, _) = Measure.Milliseconds(() =>
        {
            foreach (var explanation in set.Explain(images, Targets.Predicted))
            {
                explanation.Dispose();
            }
        }, repeats: quick ? 2 : 5, device: device);
        var separate = rows.Where(r => OnePassMethods.Any(name => r.Name == $"explain/{name}")).Sum(r => r.Value);
        return new BenchmarkRow("explainers", "explain/one_pass_five", median, "ms",
            $"{string.Join("+", OnePassMethods)} sharing one pass; {separate:F1} ms as separate calls ({separate / median:F2}x)");
    }

    /// <summary>Integrated gradients' Gauss-Legendre points and weights for m steps, made before any model work.</summary>
    private static BenchmarkRow GaussLegendreSetup(int m, bool quick)
    {
        var (median, _) = Measure.Milliseconds(() => Quadrature.For(IntegrationRule.GaussLegendre, m), repeats: quick ? 2 : 5);
        return new BenchmarkRow("explainers", $"quadrature/gauss_legendre_{m}", median, "ms", $"nodes and weights of m = {m}, O(m)");
    }

    /// <summary>The process's live native tensors once the finalizer has freed every dropped one.</summary>
    private static long LiveTensorCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Tensor.TotalCount;
    }

    private static double ForwardBackwardPerImage(nn.Module<Tensor, Tensor> model, Tensor images, Device device)
    {
        var remedy = NumericsGuard.EnsureChecked().Remedy == NumericsRemedy.OneDnnOffForBackward;
        var (_, best) = Measure.Milliseconds(() =>
        {
            using var scope = NewDisposeScope();
            var x = images.detach().requires_grad_();
            var logits = model.call(x);
            // As the explainers' backward passes run: with the guard's remedy where this machine needs it.
            using var backward = remedy ? NumericsGuard.WithoutOneDnn() : null;
            autograd.grad([logits.max(1).values.sum()], [x]);
        }, repeats: 10, warmup: 3, device: device);
        return best / images.size(0);
    }
}
