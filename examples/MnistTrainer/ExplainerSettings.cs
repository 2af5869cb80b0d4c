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
    Tensor? Reference = null);
