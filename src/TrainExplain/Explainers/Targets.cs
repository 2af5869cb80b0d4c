
namespace TrainExplain.Explainers;

/// <summary>
/// What each image is explained for. For a classifier (logits [N, K]): its label, the predicted class (argmax), one
/// fixed class, or explicit classes, and S is that class's logit or probability (the explainer's <see cref="ScoreKind"/>).
/// For any other model: a function of the model's output giving one score per image (<see cref="Output"/>, as
/// pytorch-grad-cam's callable targets), e.g. one output unit of a regression model. Unlike tf-explain, which takes one
/// class for the whole batch, every image has its own target.
/// </summary>
public sealed class Targets
{
    private readonly Tensor? labels;
    private readonly long[]? explicitClasses;
    private readonly long? fixedClass;
    private readonly Func<Tensor, Tensor>? scoreOfOutput;

    private Targets(Tensor? labels, long[]? explicitClasses, long? fixedClass, string description, Func<Tensor, Tensor>? scoreOfOutput = null)
    {
        (this.labels, this.explicitClasses, this.fixedClass, this.scoreOfOutput) = (labels, explicitClasses, fixedClass, scoreOfOutput);
        Description = description;
    }

    /// <summary>The predicted class of each image.</summary>
    public static Targets Predicted { get; } = new(null, null, null, "predicted");

    /// <summary>The same class for every image.</summary>
    public static Targets Class(long classIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classIndex);
        return new(null, null, classIndex, $"class {classIndex}");
    }

    /// <summary>Each image's own class from an int64 [N] tensor (typically the true labels); the tensor is read, not owned.</summary>
    public static Targets Labels(Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.ndim != 1 || labels.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"Target labels must be an int64 [N] tensor, got {labels}.", nameof(labels));
        }
        return new(labels, null, null, "labels");
    }

    /// <summary>Each image's own class, given explicitly.</summary>
    public static Targets Of(IReadOnlyList<long> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        return new(null, [.. classes], null, "explicit");
    }

    /// <summary>
    /// S(x) = <paramref name="score"/>(output): a function from the model's output for a chunk of n images to their
    /// n scores (a [n] tensor on the output's device), e.g. <c>output =&gt; output[.., 0]</c> for a regression model's
    /// first unit. The explainer's <see cref="ScoreKind"/> does not apply; targets are reported as -1.
    /// </summary>
    /// <param name="score">The score function; it must keep the graph (no detach) so gradients reach the inputs.</param>
    /// <param name="description">How the targets are described in parameters and captions.</param>
    public static Targets Output(Func<Tensor, Tensor> score, string description = "output function")
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        return new(null, null, null, description, score);
    }

    /// <summary>"predicted", "labels", "class 3", "explicit", or an output function's description.</summary>
    public string Description { get; }

    /// <summary>The labels of <see cref="Labels"/> (each image's true class), or null for another policy.</summary>
    internal Tensor? LabelTensor => labels;

    /// <summary>Whether S is a function of the output (<see cref="Output"/>) rather than a class's logit or probability.</summary>
    public bool IsOutputFunction => scoreOfOutput is not null;

    /// <summary>S of each row of <paramref name="output"/> for its <paramref name="classes"/> [n]: the logit or probability of the class, or the output function.</summary>
    internal Tensor Score(Tensor output, Tensor classes, ScoreKind kind)
    {
        if (scoreOfOutput is not null)
        {
            var score = scoreOfOutput(output);
            return score is { ndim: 1 } && score.size(0) == output.size(0)
                ? score
                : throw new ArgumentException($"The target function ({Description}) must give one score per image, [{output.size(0)}], but gave {score?.ShapeText() ?? "null"}.");
        }
        using var scope = torch.NewDisposeScope();
        var values = kind == ScoreKind.Probability ? torch.nn.functional.softmax(output, 1) : output;
        return values.gather(1, classes.unsqueeze(1)).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>Checks up front that the policy can serve <paramref name="count"/> images.</summary>
    internal void CheckCount(long count)
    {
        var given = labels?.size(0) ?? explicitClasses?.Length;
        if (given is { } n && n != count)
        {
            throw new ArgumentException($"The targets name {n} classes but {count} images are explained.");
        }
    }

    /// <summary>The classes of images [offset, offset + n) as int64 [n] on the logits' device, checked against K = logits.size(1).</summary>
    internal Tensor Resolve(Tensor logits, long offset)
    {
        if (scoreOfOutput is not null)
        {
            return torch.full([logits.size(0)], -1L, ScalarType.Int64, logits.device);
        }
        if (logits.ndim != 2)
        {
            throw new ArgumentException($"The model's output has shape {logits.ShapeText()}; class targets need logits [N, K]. To explain another output, use Targets.Output(output => ...) with one score per image.");
        }
        var (n, classes) = (logits.size(0), logits.size(1));
        if (fixedClass is { } c)
        {
            return c < classes ? torch.full([n], c, ScalarType.Int64, logits.device) : throw OutOfRange(c, classes);
        }
        if (labels is null && explicitClasses is null)
        {
            return logits.argmax(1);
        }
        using var scope = torch.NewDisposeScope();
        var chosen = labels is not null
            ? labels.narrow(0, offset, n).to(logits.device)
            : torch.tensor(explicitClasses![(int)offset..(int)(offset + n)], device: logits.device);
        var (lowest, highest) = (chosen.min().item<long>(), chosen.max().item<long>());
        if (lowest < 0 || highest >= classes)
        {
            throw OutOfRange(lowest < 0 ? lowest : highest, classes);
        }
        return chosen.MoveToOuterDisposeScope();
    }

    private static ArgumentException OutOfRange(long target, long classes) =>
        new($"Target class {target} is out of range: the model has {classes} classes (0 to {classes - 1}).");

    /// <inheritdoc />
    public override string ToString() => Description;
}
