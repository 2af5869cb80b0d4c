using TrainExplain.Numerics;

namespace TrainExplain.Explainers;

/// <summary>
/// Activation maximization, or class model visualization (Simonyan, Vedaldi and Zisserman 2013, "Deep Inside
/// Convolutional Networks"): for each requested class c, gradient ascent on an image I of
/// J(I) = S_c(T(I)) - l2 ||I - R||^2 / numel - tv TV(I), where R is the reference image (the training data's mean
/// image, as Simonyan et al.'s zero-centered data made their start and L2 center, or else the middle of the input range)
/// and T a random zoom and shift each step (transformation robustness). I is not optimized pixel by pixel: it is
/// <c>lo + (hi - lo) sigmoid(logit(R) + F^-1(w * z))</c>, a 1/f^decay-scaled Fourier spectrum z (Olah et al. 2017,
/// "Feature Visualization"; Mordvintsev et al. 2018, "Differentiable Image Parameterizations") bounded by a sigmoid
/// instead of clipping, and z follows Adam (Kingma and Ba 2015) from near zero, that is from R. The classes are
/// optimized together as one batch, in chunks of the internal batch size (METHODS.md). It explains classes, not
/// inputs: the start spectra come from a CPU generator seeded with <c>seed</c> (so every device starts from the same
/// images) and the transformations from one seeded sequence, drawn per class, so chunking changes nothing. With
/// <c>stopProbability</c> each class stops as soon as its image reaches that softmax probability (checked every 10
/// steps), so <c>steps</c> is a bound that only the classes not reached yet run to.
/// Cost: <c>steps</c> passes at most (the longest class's steps), and with a stop one forward pass every 10 steps.
/// </summary>
public sealed class ActivationMaximization : ModelMethod, IClassVisualizer
{
    // Adam's moment decays and denominator term, as Kingma and Ba's defaults; the start spectrum's standard deviation.
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;
    private const double StartSpread = 0.01;

    /// <summary>Steps between two checks of the classes' probabilities against <see cref="StopProbability"/>.</summary>
    public const int StopCheckInterval = 10;

    private readonly long[] classes;
    private readonly long[] imageShape;
    private readonly float[]? reference;

    /// <summary>Creates the explainer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="classes">The classes to visualize.</param>
    /// <param name="imageShape">[C, H, W] of the model's input (default [1, 28, 28]).</param>
    /// <param name="steps">Ascent steps (default 100).</param>
    /// <param name="learningRate">Adam's step size on the spectrum (default 0.2).</param>
    /// <param name="l2">Weight of the L2 penalty (distance from the reference).</param>
    /// <param name="tv">Weight of the total variation penalty.</param>
    /// <param name="jitter">Largest random shift in pixels.</param>
    /// <param name="low">The input range's lower end.</param>
    /// <param name="high">The input range's upper end.</param>
    /// <param name="seed">Seed of the start spectra and the transformations.</param>
    /// <param name="score">What S_c is: the class's logit (the default) or its softmax probability.</param>
    /// <param name="internalBatchSize">The most images one forward/backward pass sees.</param>
    /// <param name="reference">
    /// The image [C, H, W] the ascent starts from and the L2 penalty pulls towards, in the input range: best the
    /// training data's mean image (default: the middle of the range everywhere). It is copied.
    /// </param>
    /// <param name="decay">The spectrum's frequency exponent: 0 for white, larger for smoother images (default 1.5).</param>
    /// <param name="zoom">Largest random zoom: each step scales each image by a factor in [1 - zoom, 1 + zoom].</param>
    /// <param name="stopProbability">
    /// A class's ascent stops once the softmax probability of its (untransformed) image reaches this, in (0, 1], checked
    /// every <see cref="StopCheckInterval"/> steps; null: every class takes all <paramref name="steps"/>.
    /// </param>
    public ActivationMaximization(nn.Module<Tensor, Tensor> model, IReadOnlyList<long> classes, IReadOnlyList<long>? imageShape = null, int steps = 100,
        double? learningRate = null, double l2 = 0.1, double tv = 0.1, int jitter = 1, double low = 0, double high = 1, long seed = 0,
        ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize, Tensor? reference = null, double decay = 1.5, double zoom = 0.1,
        double? stopProbability = null)
        : base(model, score, internalBatchSize)
    {
        ArgumentNullException.ThrowIfNull(classes);
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
        if (!(decay >= 0) || !(zoom is >= 0 and < 1))
        {
            throw new ArgumentException($"Needs decay >= 0 and 0 <= zoom < 1; got decay {decay}, zoom {zoom}.", decay >= 0 ? nameof(zoom) : nameof(decay));
        }
        if (stopProbability is not null and not (> 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(stopProbability), stopProbability, "The stop probability must lie in (0, 1], or be null for no stop.");
        }
        this.classes = [.. classes];
        this.reference = reference is null ? null : ReferenceOf(reference, this.imageShape, low, high);
        (Steps, LearningRate, L2, TV, Jitter, Low, High, Seed, Decay, Zoom, StopProbability) =
            (steps, learningRate ?? 0.2, l2, tv, jitter, low, high, seed, decay, zoom, stopProbability);
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
    /// <summary>The spectrum's frequency exponent.</summary>
    public double Decay { get; }
    /// <summary>Largest random zoom (a fraction of the size).</summary>
    public double Zoom { get; }
    /// <summary>The probability at which a class's ascent stops, or null when every class takes all steps.</summary>
    public double? StopProbability { get; }

    /// <inheritdoc />
    public Explanation Visualize() => Synthesize(null, Steps);

    /// <summary>
    /// Activation maximization again, each class starting from its image in <paramref name="previous"/> (a former result
    /// of this visualizer, e.g. the last epoch's) instead of the reference, for at most <paramref name="steps"/> steps:
    /// the warm start of <c>ClassVisualizationCallback</c>. The images are turned back into spectra (the
    /// parameterization is invertible inside the range; values are kept 1e-6 of the range inside it), Adam starts
    /// afresh, and the stop, penalties and transformations are as in <see cref="Visualize"/>. Cost: at most
    /// <paramref name="steps"/> passes.
    /// </summary>
    /// <param name="previous">A result of this visualizer: the same classes, images of the same shape.</param>
    /// <param name="steps">The most ascent steps.</param>
    /// <exception cref="ArgumentException"><paramref name="previous"/> has other classes or another image shape.</exception>
    public Explanation Continue(ClassImages previous, int steps)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (!previous.Targets.SequenceEqual(classes) || !previous.Images.shape.SequenceEqual([classes.Length, .. imageShape]))
        {
            throw new ArgumentException($"The previous images must be this visualizer's: classes {string.Join(",", classes)} of shape {HostCopies.FormatShape(imageShape)}; "
                + $"got classes {string.Join(",", previous.Targets)} and images {previous.Images.ShapeText()}.", nameof(previous));
        }
        return Synthesize(previous.Images, steps);
    }

    /// <summary>The ascent from <paramref name="startImages"/> (null: from the reference, with the seeded start spectra), for at most <paramref name="steps"/> steps.</summary>
    private ClassImages Synthesize(Tensor? startImages, int steps) => Run([classes.Length, .. imageShape], (_, elapsed) =>
    {
        var device = ModelDevice.Of(Model);
        var (channels, height, width) = (imageShape[0], imageShape[1], imageShape[2]);
        var referenceImage = reference is null ? torch.full(imageShape, (Low + High) / 2, device: device) : torch.tensor(reference, imageShape, device: device);
        var canvas = new SpectrumCanvas(referenceImage, FourierParameterization.Scale(height, width, Decay, device), Low, High);
        Tensor start;
        if (startImages is null)
        {
            using var generator = new torch.Generator(unchecked((ulong)Seed));
            start = (StartSpread * torch.randn(FourierParameterization.SpectrumShape([classes.Length, channels], height, width), generator: generator)).to(device);
        }
        else
        {
            start = canvas.Spectrum(startImages.to(referenceImage.dtype, device));
        }
        var target = torch.tensor(classes, device: device);
        var (scoresBefore, probabilitiesBefore) = Evaluate(canvas.Image(start), target);
        var stepsTaken = new int[classes.Length];
        var image = Batched.Map(classes.Length, ChunkSize(start),
            (first, count) => Ascend(canvas, start.narrow(0, first, count), target.narrow(0, first, count), (int)first, stepsTaken, steps));
        var (scoresAfter, probabilitiesAfter) = Evaluate(image, target);
        var host = ExplainContext.Host(image);
        var parameters = DescribeParameters()
            .Select(p => p.Name == "steps" ? (p.Name, Text(steps)) : p)
            .Append(("start", startImages is null ? "reference" : "previous images"))
            .Append(("steps_taken", string.Join(",", stepsTaken))).ToDictionary(p => p.Item1, p => p.Item2);
        var info = new ExplanationInfo(Name, stepsTaken.Max(), parameters, elapsed());
        return new ClassImages(info, host, classes, scoresAfter, Low, High, scoresBefore, probabilitiesBefore, probabilitiesAfter);
    });

    /// <summary>
    /// Adam ascent steps on the spectrum from <paramref name="start"/>, the classes from index <paramref name="first"/>
    /// on; returns the final images and writes each class's steps into <paramref name="stepsTaken"/>. Each step draws
    /// every class's transformation from one sequence seeded with <see cref="Seed"/> and keeps those of the classes
    /// still ascending, so chunking and stopping change nothing for the others, and its tensors die with the step, so
    /// memory does not grow with the steps. A stopped class leaves the batch, so it costs no further pass.
    /// </summary>
    private Tensor Ascend(SpectrumCanvas canvas, Tensor start, Tensor target, int first, int[] stepsTaken, int steps)
    {
        var transformSampler = new Random(unchecked((int)Seed));
        var spectrum = start.clone();
        var (firstMoment, secondMoment) = (torch.zeros_like(spectrum), torch.zeros_like(spectrum));
        // This chunk's rows still ascending; every row has been in since step 1, so Adam's bias correction is the step's.
        var ascending = Enumerable.Range(0, (int)start.size(0)).ToList();
        for (var step = 1; step <= steps && ascending.Count > 0; step++)
        {
            // A step is one chunk's forward and backward pass: a stop of the training run ends the ascent here.
            StopRequest.ThrowIfRequested();
            using var stepScope = torch.NewDisposeScope();
            var transforms = classes.Select(_ => RandomScaleShift.Draw(transformSampler, Zoom, Jitter)).ToArray();
            var rows = torch.tensor(ascending.Select(r => (long)r).ToArray(), device: spectrum.device);
            var rowTargets = target.index_select(0, rows);
            var gradient = Gradient(canvas, spectrum.index_select(0, rows), rowTargets, [.. ascending.Select(r => transforms[first + r])]);
            var moment = firstMoment.index_select(0, rows).mul_(Beta1).add_(gradient, 1 - Beta1);
            var squared = secondMoment.index_select(0, rows).mul_(Beta2).addcmul_(gradient, gradient, 1 - Beta2);
            firstMoment.index_copy_(0, rows, moment);
            secondMoment.index_copy_(0, rows, squared);
            var firstUnbiased = moment / (1 - Math.Pow(Beta1, step));
            var secondUnbiased = squared / (1 - Math.Pow(Beta2, step));
            spectrum.index_add_(0, rows, firstUnbiased / (secondUnbiased.sqrt() + Epsilon), LearningRate);
            ascending.ForEach(r => stepsTaken[first + r] = step);
            if (StopProbability is { } stop && step % StopCheckInterval == 0)
            {
                var reached = Evaluate(canvas.Image(spectrum.index_select(0, rows)), rowTargets).Probabilities;
                ascending = [.. ascending.Where((_, i) => !(reached[i] >= stop))];
            }
        }
        return canvas.Image(spectrum);
    }

    /// <summary>dJ/dz: the images the spectra make are transformed for the forward pass; the penalties see them untransformed.</summary>
    private Tensor Gradient(SpectrumCanvas canvas, Tensor spectrum, Tensor target, IReadOnlyList<RandomScaleShift> transforms)
    {
        // Its own scope, so the graph dies here and only the gradient reaches the step's scope.
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        var z = spectrum.detach().requires_grad_();
        var x = canvas.Image(z);
        var seen = RandomScaleShift.Apply(x, transforms, Low);
        var score = Targets.Of(classes).Score(Model.call(seen), target, Score);
        var (height, width) = (imageShape[1], imageShape[2]);
        var l2 = (x - canvas.Reference).square().flatten(1).sum(1) / x[0].numel();
        var tv = ((x.narrow(2, 1, height - 1) - x.narrow(2, 0, height - 1)).abs().flatten(1).sum(1)
            + (x.narrow(3, 1, width - 1) - x.narrow(3, 0, width - 1)).abs().flatten(1).sum(1)) / (height * width);
        var objective = score - (L2 * l2) - (TV * tv);
        return Backward.Gradients(objective.sum(), [z], Name)[0].MoveToOuterDisposeScope();
    }

    /// <summary>Each class's logit and probability at <paramref name="image"/>, chunked by the internal batch size.</summary>
    private (float[] Scores, float[] Probabilities) Evaluate(Tensor image, Tensor target)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var logits = Batched.Map(image, ChunkSize(image), Model.call);
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

    /// <inheritdoc />
    protected internal override IEnumerable<(string Name, string Value)> DescribeParameters() =>
    [
        ("classes", string.Join(",", classes)),
        ("steps", Text(Steps)),
        ("lr", Text(LearningRate)),
        ("l2", Text(L2)),
        ("tv", Text(TV)),
        ("jitter", Text(Jitter)),
        ("range", $"[{Text(Low)}, {Text(High)}]"),
        ("seed", Text(Seed)),
        ("decay", Text(Decay)),
        ("zoom", Text(Zoom)),
        ("reference", reference is null ? "middle" : "given"),
        ("stop_probability", StopProbability is { } stop ? Text(stop) : "none"),
        ("score", Score.ToString().ToLowerInvariant()),
        .. base.DescribeParameters(),
    ];

    /// <summary>The reference's values, checked: shape [C, H, W] and every value inside [low, high].</summary>
    private static float[] ReferenceOf(Tensor reference, long[] imageShape, double low, double high)
    {
        if (!reference.shape.SequenceEqual(imageShape))
        {
            throw new ArgumentException($"The reference image must have the image shape {HostCopies.FormatShape(imageShape)}, got {reference.ShapeText()}.", nameof(reference));
        }
        var values = reference.ToFloats();
        if (values.Any(v => !(v >= low && v <= high)))
        {
            throw new ArgumentException($"The reference image's values must lie in the input range [{low}, {high}]; it holds {values.Min()} to {values.Max()} (or NaN).", nameof(reference));
        }
        return values;
    }
}
