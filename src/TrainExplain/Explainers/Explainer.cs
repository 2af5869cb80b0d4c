using System.Diagnostics;
using System.Globalization;
using TrainExplain.Torch;
using TrainExplain.Torch.Modules;

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
    protected Explainer(Module model, ScoreKind score, int internalBatchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(internalBatchSize);
        (Model, Score, InternalBatchSize) = (model, score, internalBatchSize);
    }

    /// <summary>The explained model.</summary>
    public Module Model { get; }

    /// <summary>What S_c is.</summary>
    public ScoreKind Score { get; }

    /// <summary>The most images one forward/backward pass sees (METHODS.md's B, default 256).</summary>
    public int InternalBatchSize { get; }

    /// <inheritdoc />
    public virtual string Name => GetType().Name;

    /// <inheritdoc />
    public virtual bool RequiresInputs => true;

    /// <inheritdoc />
    public Explanation Explain(Tensor? inputs, Targets targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var x = RequiresInputs ? CheckInputs(inputs) : inputs;
        if (x is not null)
        {
            targets.CheckCount(x.size(0));
        }
        var clock = Stopwatch.StartNew();
        var wasTraining = Model.training;
        Model.eval();
        try
        {
            using var scope = torch.NewDisposeScope();
            var explanation = Compute(new ExplainContext(this, x, targets));
            explanation.Elapsed = clock.Elapsed;
            explanation.Parameters = DescribeParameters()
                .Append(("score", Score.ToString().ToLowerInvariant()))
                .Append(("targets", targets.Description))
                .ToDictionary(p => p.Item1, p => p.Item2);
            return explanation;
        }
        finally
        {
            Model.train(wasTraining);
        }
    }

    /// <summary>The method: attributions for <see cref="ExplainContext.Inputs"/> (inside a dispose scope, model in eval mode).</summary>
    protected abstract Explanation Compute(ExplainContext context);

    /// <summary>The method's parameters as (name, value) text pairs.</summary>
    protected virtual IEnumerable<(string, string)> DescribeParameters() => [("internal_batch_size", Text(InternalBatchSize))];

    /// <summary>Invariant text of a number.</summary>
    protected static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

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
        using var finite = inputs.isfinite().logical_not().sum();
        if (finite.item<long>() > 0)
        {
            throw new ArgumentException($"The inputs hold {finite.item<long>()} NaN or infinite values.", nameof(inputs));
        }
        return inputs;
    }
}
