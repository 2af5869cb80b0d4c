
namespace TrainExplain.Explainers;

/// <summary>
/// Activation maximization, or class model visualization (Simonyan, Vedaldi and Zisserman 2013, "Deep Inside
/// Convolutional Networks"): for each requested class c, gradient ascent on an image I of
/// J(I) = S_c(I) - l2 ||I - mid||^2 / numel - tv TV(I), with random jitter, unit-norm gradient steps and clipping to
/// the input range; the classes are optimized together as one batch, in chunks of the internal batch size
/// (METHODS.md). It explains classes, not inputs: the start images come from a CPU generator seeded with <c>seed</c>
/// (so every device starts from the same images) and the jitter from one seeded sequence shared by all chunks.
/// Cost: <c>steps</c> passes.
/// </summary>
public sealed class ActivationMaximization : IClassVisualizer
{
    private readonly long[] classes;
    private readonly long[] imageShape;
    private readonly string? name;

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
    /// <param name="score">What S_c is: the class's logit (the default) or its softmax probability.</param>
    /// <param name="internalBatchSize">The most images one forward/backward pass sees.</param>
    public ActivationMaximization(nn.Module<Tensor, Tensor> model, IReadOnlyList<long> classes, IReadOnlyList<long>? imageShape = null, int steps = 200,
        double? learningRate = null, double l2 = 0.1, double tv = 0.1, int jitter = 2, double low = 0, double high = 1, long seed = 0,
        ScoreKind score = ScoreKind.Logit, int internalBatchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(internalBatchSize);
        (Model, Score, InternalBatchSize) = (model, score, internalBatchSize);
        if (classes.Count == 0 || classes.Any(c => c < 0))
        {
            throw new ArgumentException("Give at least one class, all non-negative.", nameof(classes));
        }
        this.imageShape = [.. imageShape ?? [1, 28, 28]];
        if (this.imageShape.Length != 3 || this.imageShape.Any(s => s < 1))
        {
            throw new ArgumentException($"The image shape must be [C, H, W] with positive sizes, got {HostCopies.FormatShape(this.imageShape)}.", nameof(imageShape));
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

    /// <summary>The visualized model.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>What S_c is.</summary>
    public ScoreKind Score { get; }

    /// <summary>The most images one forward/backward pass sees.</summary>
    public int InternalBatchSize { get; }

    /// <summary>The display name (default <c>ActivationMaximization</c>).</summary>
    public string Name
    {
        get => name ?? nameof(ActivationMaximization);
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            name = value;
        }
    }

    /// <summary>The classes visualized, one picture each.</summary>
    public IReadOnlyList<long> Classes => classes;

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
    public Explanation Visualize()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        return EvalMode.Run(Model, () =>
        {
            using var scope = torch.NewDisposeScope();
            var device = Model.parameters().FirstOrDefault()?.device ?? torch.CPU;
            using var generator = new torch.Generator(unchecked((ulong)Seed));
            var middle = (Low + High) / 2;
            var start = (middle + (0.25 * (High - Low) * (torch.rand([classes.Length, .. imageShape], generator: generator) - 0.5))).to(device);
            var jitterSampler = new Random(unchecked((int)Seed));
            var shifts = Enumerable.Range(0, Steps).Select(_ => (jitterSampler.Next(-Jitter, Jitter + 1), jitterSampler.Next(-Jitter, Jitter + 1))).ToList();
            var target = torch.tensor(classes, device: device);
            var (scoresBefore, probabilitiesBefore) = Evaluate(start, target);
            var parts = new List<Tensor>();
            for (long first = 0; first < classes.Length; first += InternalBatchSize)
            {
                var count = Math.Min(InternalBatchSize, classes.Length - first);
                parts.Add(Ascend(start.narrow(0, first, count), target.narrow(0, first, count), shifts, middle));
            }
            var image = parts.Count == 1 ? parts[0] : torch.cat(parts);
            var (scoresAfter, probabilitiesAfter) = Evaluate(image, target);
            var host = ExplainContext.Host(image);
            return new ClassImages(new ExplanationInfo(Name, Steps, Parameters(), clock.Elapsed), host, classes, scoresAfter, Low, High,
                scoresBefore, probabilitiesBefore, probabilitiesAfter);
        });
    }

    /// <summary>Steps of unit-norm gradient ascent from <paramref name="start"/>, clipped to the input range.</summary>
    private Tensor Ascend(Tensor start, Tensor target, IReadOnlyList<(int Dy, int Dx)> shifts, double middle)
    {
        var image = start.clone();
        var (height, width) = (imageShape[1], imageShape[2]);
        var numel = imageShape.Aggregate(1L, (a, b) => a * b);
        foreach (var (dy, dx) in shifts)
        {
            using var step = torch.NewDisposeScope();
            var gradient = Gradient(image, target, dy, dx, middle, numel, height, width);
            var norms = gradient.flatten(1).norm(1, keepdim: true).clamp(min: 1e-12).view(-1, 1, 1, 1);
            image.add_(gradient / norms, LearningRate).clamp_(Low, High);
        }
        return image;
    }

    /// <summary>dJ/dI with the image rolled by (dy, dx) for the forward pass and the roll undone on the gradient.</summary>
    private Tensor Gradient(Tensor image, Tensor target, long dy, long dx, double middle, long numel, long height, long width)
    {
        using var grad = torch.enable_grad();
        var x = image.detach().requires_grad_();
        var shifted = x.roll([dy, dx], [2L, 3L]);
        var score = Targets.Of(classes).Score(Model.call(shifted), target, Score);
        var l2 = (x - middle).square().flatten(1).sum(1) / numel;
        var tv = ((x.narrow(2, 1, height - 1) - x.narrow(2, 0, height - 1)).abs().flatten(1).sum(1)
            + (x.narrow(3, 1, width - 1) - x.narrow(3, 0, width - 1)).abs().flatten(1).sum(1)) / (height * width);
        var objective = score - (L2 * l2) - (TV * tv);
        return torch.autograd.grad([objective.sum()], [x])[0].MoveToOuterDisposeScope();
    }

    /// <summary>Each class's logit and probability at <paramref name="image"/>, chunked by the internal batch size.</summary>
    private (float[] Scores, float[] Probabilities) Evaluate(Tensor image, Tensor target)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var outputs = new List<Tensor>();
        for (long first = 0; first < image.size(0); first += InternalBatchSize)
        {
            outputs.Add(Model.call(image.narrow(0, first, Math.Min(InternalBatchSize, image.size(0) - first))));
        }
        var logits = torch.cat(outputs);
        if (logits.ndim != 2)
        {
            throw new ArgumentException($"The model's output has shape {logits.ShapeText()}; activation maximization needs logits [M, K].");
        }
        if (classes.Max() >= logits.size(1))
        {
            throw new ArgumentException($"Class {classes.Max()} is out of range: the model has {logits.size(1)} classes.");
        }
        var targets = Targets.Of(classes);
        return (targets.Score(logits, target, ScoreKind.Logit).ToFloats(), targets.Score(logits, target, ScoreKind.Probability).ToFloats());
    }

    private Dictionary<string, string> Parameters()
    {
        static string Text(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new()
        {
            ["classes"] = string.Join(",", classes),
            ["steps"] = Text(Steps),
            ["lr"] = Text(LearningRate),
            ["l2"] = Text(L2),
            ["tv"] = Text(TV),
            ["jitter"] = Text(Jitter),
            ["range"] = $"[{Text(Low)}, {Text(High)}]",
            ["seed"] = Text(Seed),
            ["score"] = Score.ToString().ToLowerInvariant(),
            ["internal_batch_size"] = Text(InternalBatchSize),
        };
    }
}
