using TrainExplain.Explainers;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>
/// The methods by their command-line names, built with METHODS.md's defaults unless settings override them: input
/// explainers, and the class visualizer (activation maximization), which explains classes, not inputs.
/// </summary>
internal static class ExplainerCatalog
{
    /// <summary>The command-line name of activation maximization.</summary>
    internal const string ClassVisualization = "actmax";

    /// <summary>The most classes activation maximization draws at once without a class named: the MNIST ConvNets' ten.</summary>
    internal const int MaxVisualizedClasses = 10;

    /// <summary>The classes activation maximization draws for a model of <paramref name="classCount"/> classes: the first <see cref="MaxVisualizedClasses"/> at most.</summary>
    internal static long[] FirstClasses(int classCount) => [.. Enumerable.Range(0, Math.Min(classCount, MaxVisualizedClasses)).Select(c => (long)c)];

    /// <summary>train's methods for a torchvision model when --explainers is not given: one of each kind that costs a few passes at 224 px.</summary>
    internal static IReadOnlyList<string> PhotoDefaults { get; } = ["vanilla", "ig", "gradcam", "layercam"];

    /// <summary>
    /// Guided backpropagation, DeepLIFT and guided Grad-CAM replace the backward rule of ReLU modules; on a model where
    /// some ReLUs are not modules run with .call(), the result would be a mix of rules, so it is refused with the reason.
    /// </summary>
    /// <exception cref="ArgumentException">The method needs every ReLU and the architecture has some out of reach; the message names <paramref name="flag"/>.</exception>
    internal static void RequireReachableRelus(string method, Models.Architecture architecture, string flag)
    {
        if (method is "guidedbackprop" or "deeplift" or "guided_gradcam" && architecture.UnreachableRelus is { } reason)
        {
            throw new ArgumentException($"{flag} {method} cannot run on --arch {architecture.Name}: {reason}, so its backward rule would apply to only some ReLUs and the result would not be {method}.");
        }
    }

    private static readonly Dictionary<string, Func<nn.Module<Tensor, Tensor>, ExplainerSettings, IExplainer>> Explainers = new()
    {
        ["vanilla"] = (m, s) => new VanillaGradients(m, s.Score ?? ScoreKind.Logit, s.InternalBatchSizeOrDefault),
        ["gradinput"] = (m, s) => new GradientsInputs(m, s.Score ?? ScoreKind.Logit, s.InternalBatchSizeOrDefault),
        ["smoothgrad"] = (m, s) => new SmoothGrad(m, s.Samples ?? 20, s.Noise ?? 0.15, s.Seed ?? 0, s.Score ?? ScoreKind.Logit, s.InternalBatchSizeOrDefault),
        ["smoothgrad_sq"] = (m, s) => new SmoothGradSquared(m, s.Samples ?? 20, s.Noise ?? 0.15, s.Seed ?? 0, s.Score ?? ScoreKind.Logit, s.InternalBatchSizeOrDefault),
        ["vargrad"] = (m, s) => new VarGrad(m, s.Samples ?? 20, s.Noise ?? 0.15, s.Seed ?? 0, s.Score ?? ScoreKind.Logit, s.InternalBatchSizeOrDefault),
        ["ig"] = (m, s) => new IntegratedGradients(m, s.Steps ?? 50, s.Rule ?? IntegrationRule.GaussLegendre,
            s.Baseline is { } value ? tensor(value) : null, s.Score ?? ScoreKind.Logit, s.InternalBatchSizeOrDefault)
        { ComputeDelta = true },
        ["gradcam"] = (m, s) => new GradCam(m, s.Layer, guided: false, s.Score ?? ScoreKind.Logit, s.InternalBatchSizeOrDefault),
        ["gradcampp"] = (m, s) => new GradCamPlusPlus(m, s.Layer, s.Score ?? ScoreKind.Logit, s.InternalBatchSizeOrDefault),
        ["layercam"] = (m, s) => new LayerCam(m, s.Layer, s.Score ?? ScoreKind.Logit, s.InternalBatchSizeOrDefault),
        ["scorecam"] = (m, s) => new ScoreCam(m, s.Layer, s.MaxChannels, s.Score ?? ScoreKind.Probability, s.InternalBatchSizeOrDefault),
        ["occlusion"] = (m, s) => new OcclusionSensitivity(m, s.Patch, s.Stride, 0, s.Score ?? ScoreKind.Probability, s.InternalBatchSizeOrDefault),
        ["fullgrad"] = (m, s) => new FullGrad(m, s.Score ?? ScoreKind.Logit, s.InternalBatchSizeOrDefault),
        ["activations"] = (m, s) => new LayerActivations(m, s.Layer, s.InternalBatchSizeOrDefault),
        ["guidedbackprop"] = (m, s) => new GuidedBackprop(m, s.Score ?? ScoreKind.Logit, s.InternalBatchSizeOrDefault),
        ["guided_gradcam"] = (m, s) => new GuidedGradCam(m, s.Layer, s.Score ?? ScoreKind.Logit, s.InternalBatchSizeOrDefault),
        ["deeplift"] = (m, s) => new DeepLift(m, s.Baseline is { } value ? tensor(value) : null, s.Score ?? ScoreKind.Logit, s.InternalBatchSizeOrDefault),
    };

    /// <summary>The method options (as <see cref="ExplainerSettings.GivenMethodFlags"/> names them) each method reads.</summary>
    private static readonly Dictionary<string, string[]> MethodFlags = new()
    {
        ["vanilla"] = ["--score"],
        ["gradinput"] = ["--score"],
        ["smoothgrad"] = ["--samples", "--noise", "--seed", "--score"],
        ["smoothgrad_sq"] = ["--samples", "--noise", "--seed", "--score"],
        ["vargrad"] = ["--samples", "--noise", "--seed", "--score"],
        ["ig"] = ["--steps", "--rule", "--baseline", "--score"],
        ["gradcam"] = ["--layer", "--score"],
        ["gradcampp"] = ["--layer", "--score"],
        ["layercam"] = ["--layer", "--score"],
        ["scorecam"] = ["--layer", "--max-channels", "--score"],
        ["occlusion"] = ["--patch", "--stride", "--score"],
        ["fullgrad"] = ["--score"],
        ["activations"] = ["--layer"],
        ["guidedbackprop"] = ["--score"],
        ["guided_gradcam"] = ["--layer", "--score"],
        ["deeplift"] = ["--baseline", "--score"],
        [ClassVisualization] = ["--steps", "--seed", "--score"],
    };

    /// <summary>The method names, in the order the example runs them.</summary>
    internal static IReadOnlyList<string> Names { get; } = [.. Explainers.Keys, ClassVisualization];

    /// <summary>Whether <paramref name="name"/> explains inputs (every method but activation maximization).</summary>
    internal static bool ExplainsInputs(string name) => name != ClassVisualization;

    /// <summary>The input explainer called <paramref name="name"/> over <paramref name="model"/>.</summary>
    internal static IExplainer CreateExplainer(string name, nn.Module<Tensor, Tensor> model, ExplainerSettings settings) =>
        Explainers.TryGetValue(name, out var factory) ? factory(model, settings)
            : throw new ArgumentException($"Unknown input explainer '{name}': expected one of {string.Join(", ", Explainers.Keys)}.");

    /// <summary>
    /// Activation maximization of the settings' classes (the ten of the MNIST ConvNets by default), at the settings' image shape, over <paramref name="model"/>: the class's probability as the score
    /// (a logit can rise with its look-alike's, so Shirt stayed at p 0.47 to 0.56, below T-shirt, however many steps),
    /// at most 200 steps, and each class stops once its image reaches p 0.99 (BENCHMARKS.md, activation maximization's reach).
    /// </summary>
    internal static IClassVisualizer CreateClassVisualizer(nn.Module<Tensor, Tensor> model, ExplainerSettings settings) =>
        new ActivationMaximization(model, settings.VisualizedClassesOrDefault, settings.ImageShapeOrDefault, steps: settings.Steps ?? 200, seed: settings.Seed ?? 0,
            score: settings.Score ?? ScoreKind.Probability, internalBatchSize: settings.InternalBatchSizeOrDefault, reference: settings.Reference,
            stopProbability: 0.99);

    /// <summary>The method options given that <paramref name="method"/> does not read.</summary>
    internal static IEnumerable<string> IgnoredFlags(string method, ExplainerSettings settings) =>
        settings.GivenMethodFlags().Except(MethodFlags[method]);

    /// <summary>Parses "all", "none" or a comma list of method names.</summary>
    internal static IReadOnlyList<string> ParseList(string text) => text.Trim() switch
    {
        "all" => Names,
        "none" => [],
        "" => throw new ArgumentException("--explainers is empty: give a comma list of methods, all, or none."),
        _ => Distinct([.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n =>
            Names.Contains(n) ? n : throw new ArgumentException($"Unknown method '{n}' in --explainers: expected {string.Join(", ", Names)}, all or none."))]),
    };

    private static IReadOnlyList<string> Distinct(IReadOnlyList<string> names) =>
        names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice
            ? throw new ArgumentException($"--explainers lists '{twice.Key}' twice: each method is logged under one tag, so name it once.")
            : names;
}
