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

    /// <summary>The most images one forward/backward pass sees (METHODS.md's B, default <see cref="DefaultInternalBatchSize"/>).</summary>
    public int InternalBatchSize { get; }

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
