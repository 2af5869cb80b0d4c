
namespace TrainExplain.Explainers;

/// <summary>
/// Activation maximization, or class model visualization (Simonyan, Vedaldi and Zisserman 2013, "Deep Inside
/// Convolutional Networks"): for each requested class c, gradient ascent on an image I of
/// J(I) = S_c(I) - l2 ||I - mid||^2 / numel - tv TV(I), with random jitter, unit-norm gradient steps and clipping to
/// the input range; all classes are optimized together as one batch (METHODS.md). It needs no inputs: the targets
/// are the classes given here. Cost: <c>steps</c> passes.
/// </summary>
public sealed class ActivationMaximization : Explainer
{
    private readonly long[] classes;
    private readonly long[] imageShape;

    /// <summary>Creates the explainer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="classes">The classes to visualize.</param>
    /// <param name="imageShape">[C, H, W] of the model's input (default [1, 28, 28]).</param>
    /// <param name="steps">Ascent steps.</param>
    /// <param name="learningRate">Step size (default 0.05 sqrt(numel)).</param>
    /// <param name="l2">Weight of the L2 penalty.</param>
    /// <param name="tv">Weight of the total variation penalty.</param>
    /// <param name="jitter">Largest random roll in pixels.</param>
    /// <param name="low">The input range's lower end.</param>
    /// <param name="high">The input range's upper end.</param>
    /// <param name="seed">Seed of the start image and the jitter.</param>
    public ActivationMaximization(nn.Module<Tensor, Tensor> model, IReadOnlyList<long> classes, IReadOnlyList<long>? imageShape = null, int steps = 200,
        double? learningRate = null, double l2 = 0.1, double tv = 0.1, int jitter = 2, double low = 0, double high = 1, long seed = 0)
        : base(model, ScoreKind.Logit, internalBatchSize: 256)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.Count == 0 || classes.Any(c => c < 0))
        {
            throw new ArgumentException("Give at least one class, all non-negative.", nameof(classes));
        }
        this.imageShape = [.. imageShape ?? [1, 28, 28]];
        if (this.imageShape.Length != 3 || this.imageShape.Any(s => s < 1))
        {
            throw new ArgumentException($"The image shape must be [C, H, W] with positive sizes, got [{string.Join(", ", this.imageShape)}].", nameof(imageShape));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegative(jitter);
        if (!(high > low) || l2 < 0 || tv < 0 || learningRate is <= 0)
        {
            throw new ArgumentException($"Needs low < high, l2 >= 0, tv >= 0 and a positive learning rate; got [{low}, {high}], {l2}, {tv}, {learningRate}.");
        }
        this.classes = [.. classes];
        var numel = this.imageShape.Aggregate(1L, (a, b) => a * b);
        (Steps, LearningRate, L2, TV, Jitter, Low, High, Seed) = (steps, learningRate ?? 0.05 * Math.Sqrt(numel), l2, tv, jitter, low, high, seed);
    }

    /// <summary>Ascent steps.</summary>
    public int Steps { get; }
    /// <summary>Step size.</summary>
    public double LearningRate { get; }
    /// <summary>L2 penalty weight.</summary>
    public double L2 { get; }
    /// <summary>Total variation weight.</summary>
    public double TV { get; }
    /// <summary>Largest jitter in pixels.</summary>
    public int Jitter { get; }
    /// <summary>Input range, lower end.</summary>
    public double Low { get; }
    /// <summary>Input range, upper end.</summary>
    public double High { get; }
    /// <summary>Seed.</summary>
    public long Seed { get; }

    /// <inheritdoc />
    public override bool RequiresInputs => false;

    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var device = Model.parameters().FirstOrDefault()?.device ?? torch.CPU;
        var m = classes.Length;
        var target = torch.tensor(classes, device: device);
        using var generator = new torch.Generator(unchecked((ulong)Seed), device);
        var middle = (Low + High) / 2;
        var image = (middle + (0.25 * (High - Low) * (torch.rand([m, .. imageShape], device: device, generator: generator) - 0.5))).detach();
        var (scoresBefore, probabilitiesBefore) = Evaluate(image, target);
        var (height, width) = (imageShape[1], imageShape[2]);
        var numel = imageShape.Aggregate(1L, (a, b) => a * b);
        var jitterSampler = new Random(unchecked((int)Seed));
        for (var step = 0; step < Steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var (dy, dx) = (jitterSampler.Next(-Jitter, Jitter + 1), jitterSampler.Next(-Jitter, Jitter + 1));
            var gradient = Ascent(image, target, dy, dx, middle, numel, height, width);
            var norms = gradient.flatten(1).norm(1, keepdim: true).clamp(min: 1e-12).view(m, 1, 1, 1);
            image.add_(gradient / norms, LearningRate).clamp_(Low, High);
        }
        var (scoresAfter, probabilitiesAfter) = Evaluate(image, target);
        return new ClassImages(Name, ExplainContext.Host(image), classes, scoresAfter, Steps, Low, High, scoresBefore, probabilitiesBefore, probabilitiesAfter);
    }

    /// <summary>dJ/dI with the image rolled by (dy, dx) for the forward pass and the roll undone on the gradient.</summary>
    private Tensor Ascent(Tensor image, Tensor target, long dy, long dx, double middle, long numel, long height, long width)
    {
        using var grad = torch.enable_grad();
        var x = image.detach().requires_grad_();
        var shifted = x.roll([dy, dx], [2L, 3L]);
        var score = ScoreOf(Model.call(shifted), target);
        var l2 = (x - middle).square().flatten(1).sum(1) / numel;
        var tv = ((x.narrow(2, 1, height - 1) - x.narrow(2, 0, height - 1)).abs().flatten(1).sum(1)
            + (x.narrow(3, 1, width - 1) - x.narrow(3, 0, width - 1)).abs().flatten(1).sum(1)) / (height * width);
        var objective = score - (L2 * l2) - (TV * tv);
        return torch.autograd.grad([objective.sum()], [x])[0].MoveToOuterDisposeScope();
    }

    private (float[] Scores, float[] Probabilities) Evaluate(Tensor image, Tensor target)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var logits = Model.call(image);
        if (classes.Max() >= logits.size(1))
        {
            throw new ArgumentException($"Class {classes.Max()} is out of range: the model has {logits.size(1)} classes.");
        }
        var scores = logits.gather(1, target.unsqueeze(1)).squeeze(1);
        var probabilities = torch.nn.functional.softmax(logits, 1).gather(1, target.unsqueeze(1)).squeeze(1);
        return (scores.ToFloats(), probabilities.ToFloats());
    }

    /// <inheritdoc />
    protected override IEnumerable<(string, string)> DescribeParameters() => base.DescribeParameters().Concat(
    [
        ("classes", string.Join(",", classes)), ("steps", Text(Steps)), ("lr", Text(LearningRate)), ("l2", Text(L2)), ("tv", Text(TV)),
        ("jitter", Text(Jitter)), ("range", $"[{Text(Low)}, {Text(High)}]"), ("seed", Text(Seed)),
    ]);
}
