using MnistTrainer;
using TrainExplain.Explainers;
using TrainExplain.Numerics;

namespace TrainExplain.Benchmarks;

/// <summary>
/// Each explainer at its defaults on a [64, 1, 28, 28] batch with the example's simple ConvNet: milliseconds per call,
/// passes per image (the cost model), images per second, and the time per pass against the best measured
/// forward+backward per image, which says how close each method is to its cost model.
/// </summary>
internal static class ExplainerBenchmarks
{
    private static readonly string[] OnePassMethods = ["vanilla", "gradinput", "gradcam", "gradcampp", "fullgrad"];

    internal static IReadOnlyList<BenchmarkRow> Run(Func<nn.Module<Tensor, Tensor>> simpleModel, bool quick)
    {
        var guard = NumericsBenchmarks.GuardRow();
        manual_seed(0);
        using var model = simpleModel();
        model.eval();
        using var images = rand([64, 1, 28, 28]);
        var perImage = ForwardBackwardPerImage(model, images);
        var rows = new List<BenchmarkRow> { guard, new("explainers", "pass/fwd_bwd_per_image", perImage, "ms", "best of forward+backward of 64 images, / 64") };
        foreach (var name in ExplainerCatalog.Names)
        {
            var run = Run(name, model, images);
            var passes = 0;
            var (median, _) = Measure.Milliseconds(() =>
            {
                using var explanation = run();
                passes = explanation.Passes;
            }, repeats: quick ? 2 : 5);
            var explained = name == "actmax" ? 10 : 64;
            var bound = passes * perImage * explained;
            rows.Add(new BenchmarkRow("explainers", $"explain/{name}", median, "ms",
                $"{passes} passes/image, {explained * 1000 / median:F0} images/s, {median / bound:F2}x passes x best pass"));
        }
        rows.Add(SharedOnePass(model, images, rows, quick));
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
    private static BenchmarkRow SharedOnePass(nn.Module<Tensor, Tensor> model, Tensor images, List<BenchmarkRow> rows, bool quick)
    {
        var set = new ExplainerSet(OnePassMethods.Select(name => ExplainerCatalog.CreateExplainer(name, model, new ExplainerSettings())));
        var (median, _) = Measure.Milliseconds(() =>
        {
            foreach (var explanation in set.Explain(images, Targets.Predicted))
            {
                explanation.Dispose();
            }
        }, repeats: quick ? 2 : 5);
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

    private static double ForwardBackwardPerImage(nn.Module<Tensor, Tensor> model, Tensor images)
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
        }, repeats: 10, warmup: 3);
        return best / images.size(0);
    }
}
