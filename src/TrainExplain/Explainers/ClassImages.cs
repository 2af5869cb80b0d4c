namespace TrainExplain.Explainers;

/// <summary>Images synthesized for classes (activation maximization), with each class's score and probability before and after.</summary>
public sealed class ClassImages : Explanation
{
    internal ClassImages(ExplanationInfo info, Tensor images, long[] classes, float[] scores, double low, double high,
        float[] scoresBefore, float[] probabilitiesBefore, float[] probabilitiesAfter) : base(info, images, classes, scores)
    {
        (Low, High) = (low, high);
        (ScoresBefore, ProbabilitiesBefore, ProbabilitiesAfter) = (scoresBefore, probabilitiesBefore, probabilitiesAfter);
    }

    /// <summary>The low end of the model's input range, the images' darkest value.</summary>
    public double Low { get; }

    /// <summary>The high end of the model's input range, the images' brightest value.</summary>
    public double High { get; }

    /// <summary>Each class's score at the start image.</summary>
    public float[] ScoresBefore { get; }

    /// <summary>Each class's probability at the start image.</summary>
    public float[] ProbabilitiesBefore { get; }

    /// <summary>Each class's probability at the final image (<see cref="Explanation.Scores"/> holds the final scores).</summary>
    public float[] ProbabilitiesAfter { get; }

    /// <summary>The images [M, C, H, W] (same as <see cref="Explanation.Raw"/>).</summary>
    public Tensor Images => Raw;

    /// <summary><see cref="ProbabilitiesAfter"/>: the probability of each class for its final image.</summary>
    public override IReadOnlyList<float>? TargetProbabilities => ProbabilitiesAfter;

    /// <inheritdoc />
    internal override IEnumerable<(string Name, Tensor Tensor)> ExtraTensors()
    {
        yield return ("scores_before", torch.tensor(ScoresBefore));
        yield return ("probabilities_before", torch.tensor(ProbabilitiesBefore));
        yield return ("probabilities_after", torch.tensor(ProbabilitiesAfter));
    }
}
