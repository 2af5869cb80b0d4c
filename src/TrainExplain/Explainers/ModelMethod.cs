using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace TrainExplain.Explainers;

/// <summary>
/// The frame every method of the library shares, input explainers (<see cref="Explainer"/>) and class visualizers
/// (<see cref="ActivationMaximization"/>) alike: the model, what its score is, the internal batch size, the display
/// name and the parameters' text, and one way to run: the model in eval mode (its mode restored after), a dispose
/// scope so nothing the method makes outlives the call, a clock, and errors raised inside the model named with the
/// method and the shape it was given. Third-party methods derive from <see cref="Explainer"/>.
/// </summary>
public abstract class ModelMethod
{
    /// <summary>The internal batch size B every method and metric uses unless told otherwise (METHODS.md).</summary>
    public const int DefaultInternalBatchSize = 256;

    /// <summary>
    /// On the CPU, the most input values one pass's chunk holds: 2^20 (4 MiB of float32), that is 256 MNIST digits but 6
    /// photos of 224 px. glibc serves each allocation over 32 MiB with fresh pages that the kernel zeroes at every pass,
    /// and a network's first activations are several times its input, so bigger chunks of large images cost more than
    /// they save: integrated gradients (50 points) on four 224-px images through ResNet-18 took 11.5 s at 8 images per
    /// chunk and 41.8 s at 256, peaking at 0.8 against 5.2 GB. On a GPU, whose allocator caches, the internal batch alone counts.
    /// </summary>
    public const long CpuChunkValues = 1L << 20;

    private readonly string? name;

    private protected ModelMethod(nn.Module<Tensor, Tensor> model, ScoreKind score, int internalBatchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(internalBatchSize);
        (Model, Score, InternalBatchSize) = (model, score, internalBatchSize);
    }

    /// <summary>The explained model.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>What S_c is for class targets: the logit or the softmax probability.</summary>
    public ScoreKind Score { get; }

    /// <summary>The most images one forward/backward pass sees (METHODS.md's B, default <see cref="DefaultInternalBatchSize"/>); on the CPU large images go fewer at a time (<see cref="ChunkSize(int, Tensor)"/>).</summary>
    public int InternalBatchSize { get; }

    /// <summary>
    /// The images one pass of <paramref name="inputs"/>' kind takes: <paramref name="internalBatchSize"/>, and on the CPU
    /// no more than <see cref="CpuChunkValues"/> input values hold (at least one image).
    /// </summary>
    /// <param name="internalBatchSize">The most images per pass.</param>
    /// <param name="inputs">Images [N, ...] (or one batch of them) on their device.</param>
    public static int ChunkSize(int internalBatchSize, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(internalBatchSize);
        if (inputs.device_type != DeviceType.CPU)
        {
            return internalBatchSize;
        }
        var valuesPerImage = Math.Max(1L, inputs.shape.Skip(1).Aggregate(1L, (product, size) => product * size));
        return (int)Math.Clamp(CpuChunkValues / valuesPerImage, 1L, internalBatchSize);
    }

    /// <summary>The images one pass of <paramref name="inputs"/>' kind takes with this method's <see cref="InternalBatchSize"/> (see <see cref="ChunkSize(int, Tensor)"/>).</summary>
    public int ChunkSize(Tensor inputs) => ChunkSize(InternalBatchSize, inputs);

    /// <summary>The display name (default: the method's name, with the layer in brackets when one was named, e.g. <c>GradCam[conv1]</c>).</summary>
    public string Name
    {
        get => name ?? DefaultName;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            name = value;
        }
    }

    /// <summary>The name used when none is given.</summary>
    protected virtual string DefaultName => GetType().Name;

    /// <summary>The method's parameters as (name, value) text pairs.</summary>
    protected internal virtual IEnumerable<(string Name, string Value)> DescribeParameters() => [("internal_batch_size", Text(InternalBatchSize))];

    /// <summary>Invariant text of a number.</summary>
    protected static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Runs one call of the method: <paramref name="work"/> gets the call's dispose scope and the time since the call
    /// began, with the model in eval mode (<see cref="InEvalMode"/>).
    /// </summary>
    /// <param name="shape">The shape of the images the model sees, for messages.</param>
    /// <param name="work">The method's work.</param>
    private protected T Run<T>(long[] shape, Func<DisposeScope, Func<TimeSpan>, T> work)
    {
        var clock = Stopwatch.StartNew();
        return InEvalMode(shape, () =>
        {
            using var scope = torch.NewDisposeScope();
            return work(scope, () => clock.Elapsed);
        });
    }

    /// <summary>
    /// Runs <paramref name="work"/> with the model in eval mode, restoring its mode after, exceptions included. An error
    /// that TorchSharp or libtorch raises inside the model (a wrong channel count, say) keeps its type and gains the
    /// method's name and the <paramref name="shape"/> of the images, which its own message does not always name.
    /// </summary>
    private protected T InEvalMode<T>(long[] shape, Func<T> work)
    {
        try
        {
            return EvalMode.Run(Model, work);
        }
        catch (ExternalException e)
        {
            throw new ExternalException(ModelFailure(shape, e), e);
        }
        catch (ArgumentException e) when (e.TargetSite?.DeclaringType?.Assembly == typeof(torch).Assembly)
        {
            throw new ArgumentException(ModelFailure(shape, e), e);
        }
    }

    private string ModelFailure(long[] shape, Exception e) => $"{Name} failed on inputs of shape {HostCopies.FormatShape(shape)}: {LibTorchMessages.WithoutBacktrace(e.Message)}";
}
