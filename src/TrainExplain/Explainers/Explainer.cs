using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace TrainExplain.Explainers;

/// <summary>
/// The shared frame of every method: checks the inputs, runs the model in eval mode (restoring its mode after), opens a
/// dispose scope so nothing the method makes outlives the call, finds the targets and their scores, and times the call.
/// Subclasses implement <see cref="Compute"/>. Gradients are taken with <c>torch.autograd.grad</c>, never
/// <c>backward</c>, so the parameters' <c>.grad</c> that training accumulates is never touched.
/// </summary>
public abstract class Explainer : IExplainer
{
    /// <summary>Creates the explainer.</summary>
    /// <param name="model">The model, returning logits [N, K].</param>
    /// <param name="score">What S_c is.</param>
    /// <param name="internalBatchSize">The most images one forward/backward pass sees.</param>
    protected Explainer(nn.Module<Tensor, Tensor> model, ScoreKind score, int internalBatchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(internalBatchSize);
        (Model, Score, InternalBatchSize) = (model, score, internalBatchSize);
    }

    /// <summary>The explained model.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>What S_c is.</summary>
    public ScoreKind Score { get; }

    /// <summary>The most images one forward/backward pass sees (METHODS.md's B, default 256).</summary>
    public int InternalBatchSize { get; }

    /// <inheritdoc />
    public virtual string Name => GetType().Name;

    /// <inheritdoc />
    public virtual bool RequiresInputs => true;

    /// <inheritdoc />
    public Explanation Explain(Tensor? inputs, Targets targets) => Explain(inputs, targets, shared: null);

    /// <summary>Explains, taking gradients from <paramref name="shared"/> when it holds what this method needs.</summary>
    internal Explanation Explain(Tensor? inputs, Targets targets, GradientPass? shared)
    {
        var x = CheckArguments(inputs, targets);
        var clock = Stopwatch.StartNew();
        return InEvalMode(x, () =>
        {
            using var scope = torch.NewDisposeScope();
            var explanation = Compute(new ExplainContext(this, scope, x, targets, shared));
            explanation.Elapsed = clock.Elapsed;
            var parameters = DescribeParameters()
                .Append(("score", Score.ToString().ToLowerInvariant()))
                .Append(("targets", targets.Description));
            if (shared is { Users: > 1 })
            {
                parameters = parameters.Append(("gradient_pass", $"shared by {shared.Users} methods"));
            }
            explanation.Parameters = parameters.ToDictionary(p => p.Item1, p => p.Item2);
            return explanation;
        });
    }

    /// <summary>The request of methods that need dS_c/dx only.</summary>
    internal static GradientRequest InputGradientOnly { get; } = new(InputGradient: true, Layers: []);

    /// <summary>
    /// What this method needs from a single forward+backward pass over <paramref name="inputs"/>, or null when it needs
    /// other passes (then it cannot share one). See <see cref="ExplainerSet"/>.
    /// </summary>
    internal virtual GradientRequest? SharedPassRequest(Tensor inputs) => null;

    /// <summary><see cref="SharedPassRequest"/> after the checks of <see cref="Explain(Tensor?, Targets)"/>, which throw the same exceptions.</summary>
    /// <remarks>In eval mode, because finding a default layer runs the model (dropout or batch statistics must not see it).</remarks>
    internal GradientRequest? CheckedSharedPassRequest(Tensor? inputs, Targets targets) =>
        CheckArguments(inputs, targets) is { } x ? InEvalMode(x, () => SharedPassRequest(x)) : null;

    /// <summary>Runs, in eval mode, the pass that serves <paramref name="request"/> for <paramref name="users"/> methods.</summary>
    /// <remarks>The pass's tensors belong to <paramref name="scope"/>, the scope of the caller that shares them.</remarks>
    internal GradientPass SharedPass(Tensor inputs, Targets targets, GradientRequest request, int users, DisposeScope scope) =>
        InEvalMode(inputs, () => new ExplainContext(this, scope, inputs, targets).SharedPass(request, users));

    /// <summary>The method: attributions for <see cref="ExplainContext.Inputs"/> (inside a dispose scope, model in eval mode).</summary>
    protected abstract Explanation Compute(ExplainContext context);

    /// <summary>The method's parameters as (name, value) text pairs.</summary>
    protected virtual IEnumerable<(string, string)> DescribeParameters() => [("internal_batch_size", Text(InternalBatchSize))];

    /// <summary>Invariant text of a number.</summary>
    protected static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    private Tensor? CheckArguments(Tensor? inputs, Targets targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var x = RequiresInputs ? CheckInputs(inputs) : inputs;
        if (x is not null)
        {
            targets.CheckCount(x.size(0));
        }
        return x;
    }

    /// <summary>
    /// Runs <paramref name="work"/> with the model in eval mode, restoring its mode after, exceptions included. An error
    /// that TorchSharp or libtorch raises inside the model (a wrong channel count, say) keeps its type and gains the
    /// shape of the inputs, which its own message does not always name.
    /// </summary>
    private T InEvalMode<T>(Tensor? inputs, Func<T> work)
    {
        try
        {
            return EvalMode.Run(Model, work);
        }
        catch (ExternalException e) when (inputs is not null)
        {
            throw new ExternalException(ModelFailure(inputs, e), e);
        }
        catch (ArgumentException e) when (inputs is not null && e.TargetSite?.DeclaringType?.Assembly == typeof(torch).Assembly)
        {
            throw new ArgumentException(ModelFailure(inputs, e), e);
        }
    }

    private string ModelFailure(Tensor inputs, Exception e) => $"{Name} failed on inputs of shape {inputs.ShapeText()}: {e.Message}";

    /// <summary>S_c for each row of <paramref name="logits"/> [n, K] and its classes [n].</summary>
    internal Tensor ScoreOf(Tensor logits, Tensor classes)
    {
        using var scope = torch.NewDisposeScope();
        var values = Score == ScoreKind.Probability ? torch.nn.functional.softmax(logits, 1) : logits;
        return values.gather(1, classes.unsqueeze(1)).squeeze(1).MoveToOuterDisposeScope();
    }

    private static Tensor CheckInputs(Tensor? inputs)
    {
        if (inputs is null)
        {
            throw new ArgumentNullException(nameof(inputs), "This method explains inputs: pass a batch [N, C, H, W].");
        }
        if (inputs.ndim != 4)
        {
            throw new ArgumentException($"Inputs must be a batch [N, C, H, W], got shape [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        }
        if (inputs.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"Inputs must be float32 or float64, got {inputs.dtype}.", nameof(inputs));
        }
        if (inputs.size(0) == 0)
        {
            throw new ArgumentException("The batch is empty: nothing to explain.", nameof(inputs));
        }
        using var scope = torch.NewDisposeScope();
        var notFinite = inputs.isfinite().logical_not().sum().item<long>();
        if (notFinite > 0)
        {
            throw new ArgumentException($"The inputs hold {notFinite} NaN or infinite values.", nameof(inputs));
        }
        return inputs;
    }
}
