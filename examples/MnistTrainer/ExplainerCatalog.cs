using TrainExplain.Explainers;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>The explainers by their command-line names, built with METHODS.md's defaults unless settings override them.</summary>
internal static class ExplainerCatalog
{
    private static readonly Dictionary<string, Func<nn.Module<Tensor, Tensor>, ExplainerSettings, IExplainer>> Factories = new()
    {
        ["vanilla"] = (m, s) => new VanillaGradients(m, s.Score ?? ScoreKind.Logit, s.InternalBatchSize ?? 256),
        ["gradinput"] = (m, s) => new GradientsInputs(m, s.Score ?? ScoreKind.Logit, s.InternalBatchSize ?? 256),
        ["smoothgrad"] = (m, s) => new SmoothGrad(m, s.Samples ?? 20, s.Noise ?? 0.15, s.Seed ?? 0, s.Score ?? ScoreKind.Logit, s.InternalBatchSize ?? 256),
        ["smoothgrad_sq"] = (m, s) => new SmoothGradSquared(m, s.Samples ?? 20, s.Noise ?? 0.15, s.Seed ?? 0, s.Score ?? ScoreKind.Logit, s.InternalBatchSize ?? 256),
        ["vargrad"] = (m, s) => new VarGrad(m, s.Samples ?? 20, s.Noise ?? 0.15, s.Seed ?? 0, s.Score ?? ScoreKind.Logit, s.InternalBatchSize ?? 256),
        ["ig"] = (m, s) => new IntegratedGradients(m, s.Steps ?? 50, s.Rule ?? IntegrationRule.GaussLegendre,
            s.Baseline is { } value ? tensor(value) : null, s.Score ?? ScoreKind.Logit, s.InternalBatchSize ?? 256),
        ["gradcam"] = (m, s) => new GradCam(m, s.Layer, guided: false, s.Score ?? ScoreKind.Logit, s.InternalBatchSize ?? 256),
        ["gradcampp"] = (m, s) => new GradCamPlusPlus(m, s.Layer, s.Score ?? ScoreKind.Logit, s.InternalBatchSize ?? 256),
        ["occlusion"] = (m, s) => new OcclusionSensitivity(m, s.Patch, s.Stride, 0, s.Score ?? ScoreKind.Probability, s.InternalBatchSize ?? 256),
        ["fullgrad"] = (m, s) => new FullGrad(m, s.Score ?? ScoreKind.Logit, s.InternalBatchSize ?? 256),
        ["activations"] = (m, s) => new LayerActivations(m, s.Layer, s.InternalBatchSize ?? 256),
        ["actmax"] = (m, s) => new ActivationMaximization(m, [.. Enumerable.Range(0, 10).Select(c => (long)c)], steps: s.Steps ?? 200, seed: s.Seed ?? 0),
    };

    /// <summary>The method names, in the order the example runs them.</summary>
    internal static IReadOnlyList<string> Names { get; } = [.. Factories.Keys];

    /// <summary>The explainer called <paramref name="name"/> over <paramref name="model"/>.</summary>
    internal static IExplainer Create(string name, nn.Module<Tensor, Tensor> model, ExplainerSettings settings) =>
        Factories.TryGetValue(name, out var factory) ? factory(model, settings)
            : throw new ArgumentException($"Unknown method '{name}': expected one of {string.Join(", ", Names)}.");

    /// <summary>Parses "all", "none" or a comma list of method names.</summary>
    internal static IReadOnlyList<string> ParseList(string text) => text.Trim() switch
    {
        "all" => Names,
        "none" or "" => [],
        _ => [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n =>
            Factories.ContainsKey(n) ? n : throw new ArgumentException($"Unknown method '{n}' in --explainers: expected {string.Join(", ", Names)}, all or none."))],
    };
}
