using System.Globalization;
using TrainExplain.Imaging;

namespace TrainExplain.Explainers;

/// <summary>Images synthesized for classes (activation maximization), with each class's score and probability before and after.</summary>
public sealed class ClassImages : Explanation
{
    private readonly double low;
    private readonly double high;

    internal ClassImages(ExplanationInfo info, Tensor images, long[] classes, float[] scores, double low, double high,
        float[] scoresBefore, float[] probabilitiesBefore, float[] probabilitiesAfter) : base(info, images, classes, scores)
    {
        (this.low, this.high) = (low, high);
        (ScoresBefore, ProbabilitiesBefore, ProbabilitiesAfter) = (scoresBefore, probabilitiesBefore, probabilitiesAfter);
    }

    /// <summary>Each class's score at the start image.</summary>
    public float[] ScoresBefore { get; }

    /// <summary>Each class's probability at the start image.</summary>
    public float[] ProbabilitiesBefore { get; }

    /// <summary>Each class's probability at the final image (<see cref="Explanation.Scores"/> holds the final scores).</summary>
    public float[] ProbabilitiesAfter { get; }

    /// <summary>The images [M, C, H, W] (same as <see cref="Explanation.Raw"/>).</summary>
    public Tensor Images => Raw;

    /// <summary>Each image mapped from the input range to [0, 1].</summary>
    public override IReadOnlyList<Image> RenderImages(RenderOptions? options = null)
    {
        var o = options ?? new RenderOptions();
        var (m, c, h, w) = ((int)Raw.size(0), (int)Raw.size(1), (int)Raw.size(2), (int)Raw.size(3));
        var values = Raw.ToFloats().Select(v => (float)((v - low) / (high - low))).ToArray();
        return [.. Enumerable.Range(0, m).Select(i => Image.FromPlanar(values.AsSpan(i * c * h * w, c * h * w), c, h, w).UpscaleNearest(o.Upscale))];
    }

    /// <summary>Gray over the model's input range: black = its low end, white = its high end.</summary>
    public override ColorLegend Legend(RenderOptions? options = null) =>
        new(Colormap.Gray, low.ToString("G3", CultureInfo.InvariantCulture), high.ToString("G3", CultureInfo.InvariantCulture), "the synthesized pixels over the model's input range");

    /// <inheritdoc />
    protected override IEnumerable<(string Name, Tensor Tensor)> ExtraTensors()
    {
        yield return ("scores_before", torch.tensor(ScoresBefore));
        yield return ("probabilities_before", torch.tensor(ProbabilitiesBefore));
        yield return ("probabilities_after", torch.tensor(ProbabilitiesAfter));
    }
}
