using TrainExplain.Explainers;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>Method options of the command line; null means the method's default from METHODS.md.</summary>
internal sealed record ExplainerSettings(
    int? Steps = null,
    IntegrationRule? Rule = null,
    float? Baseline = null,
    int? Samples = null,
    double? Noise = null,
    string? Layer = null,
    int? Patch = null,
    int? Stride = null,
    ScoreKind? Score = null,
    int? InternalBatchSize = null,
    int? Seed = null,
    Tensor? Reference = null,
    int? MaxChannels = null,
    long[]? ImageShape = null,
    long[]? VisualizedClasses = null)
{
    /// <summary>The largest --noise: a thousand times an image's value range.</summary>
    internal const double MaxNoise = 1000;

    /// <summary>One image as the model takes it, [C, H, W]: <see cref="ImageShape"/> or the MNIST ConvNets' [1, 28, 28].</summary>
    internal long[] ImageShapeOrDefault => ImageShape ?? [1, 28, 28];

    /// <summary>The classes activation maximization draws: <see cref="VisualizedClasses"/> or the MNIST ConvNets' ten.</summary>
    internal long[] VisualizedClassesOrDefault => VisualizedClasses ?? ExplainerCatalog.FirstClasses(ExplainerCatalog.MaxVisualizedClasses);

    /// <summary>The internal batch size given, or the library's default.</summary>
    internal int InternalBatchSizeOrDefault => InternalBatchSize ?? ModelMethod.DefaultInternalBatchSize;

    /// <summary>The method options given, by flag (--score and --internal-batch-size apply to every method but one and are left out).</summary>
    internal IEnumerable<string> GivenMethodFlags()
    {
        (string Flag, bool Given)[] flags =
        [
            ("--steps", Steps is not null), ("--rule", Rule is not null), ("--baseline", Baseline is not null), ("--samples", Samples is not null),
            ("--noise", Noise is not null), ("--layer", Layer is not null), ("--patch", Patch is not null), ("--stride", Stride is not null),
            ("--seed", Seed is not null), ("--score", Score is not null), ("--max-channels", MaxChannels is not null),
        ];
        return flags.Where(f => f.Given).Select(f => f.Flag);
    }

    /// <summary>
    /// Checks the values a method would refuse later with a parameter name (steps, internalBatchSize), naming the flag
    /// instead, before any model or input is read.
    /// </summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names the flag and the range.</exception>
    internal void Validate(string method)
    {
        var minimumSteps = method == "ig" && Rule == IntegrationRule.RiemannTrapezoid ? 2 : 1;
        var maximumSteps = method == "ig" ? IntegratedGradients.MaxSteps : int.MaxValue;
        Require("--steps", Steps, minimumSteps, maximumSteps, method == "ig" ? $" for integrated gradients{(minimumSteps == 2 ? " with riemann_trapezoid" : "")}" : "");
        Require("--samples", Samples, 1, SmoothGrad.MaxSamples, "");
        var (height, width) = (ImageShapeOrDefault[1], ImageShapeOrDefault[2]);
        Require("--patch", Patch, 1, (int)Math.Min(height, width), $" (the images are {width}x{height})");
        Require("--stride", Stride, 1, int.MaxValue, "");
        // DeepLIFT runs each image with its baseline in one pass, so a pass needs room for two.
        Require("--internal-batch-size", InternalBatchSize, method == "deeplift" ? 2 : 1, int.MaxValue, method == "deeplift" ? " for deeplift (each pass holds images and their baselines)" : "");
        Require("--max-channels", MaxChannels, 1, int.MaxValue, "");
        // Beyond MaxNoise the copies are noise alone, and a level such as 1e40 overflows float32 (every map NaN).
        if (Noise is { } noise && !(noise is >= 0 and <= MaxNoise))
        {
            throw new ArgumentException($"--noise must be a number from 0 to {MaxNoise} (a fraction of each image's value range; 0.1 to 0.2 is usual), got {noise}.");
        }
        if (Baseline is { } baseline && !float.IsFinite(baseline))
        {
            throw new ArgumentException($"--baseline must be a finite number, got {baseline}.");
        }
    }

    private static void Require(string flag, int? value, int minimum, int maximum, string context)
    {
        if (value is { } given && (given < minimum || given > maximum))
        {
            throw new ArgumentException(maximum == int.MaxValue
                ? $"{flag} must be at least {minimum}{context}, got {given}."
                : $"{flag} must be {minimum} to {maximum}{context}, got {given}.");
        }
    }
}
