
namespace TrainExplain.Explainers;

/// <summary>
/// Which class each image is explained for: its label, the predicted class (argmax of the logits), or one fixed class.
/// Unlike tf-explain, which takes one class for the whole batch, every image has its own target.
/// </summary>
public sealed class Targets
{
    private readonly Tensor? labels;
    private readonly long[]? explicitClasses;
    private readonly long? fixedClass;

    private Targets(Tensor? labels, long[]? explicitClasses, long? fixedClass, string description)
    {
        (this.labels, this.explicitClasses, this.fixedClass) = (labels, explicitClasses, fixedClass);
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

    /// <summary>"predicted", "labels", "class 3" or "explicit".</summary>
    public string Description { get; }

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
