using System.Diagnostics;

namespace TrainExplain.Explainers;

/// <summary>
/// Explains one batch with several methods and shares the work they have in common: the one-pass methods (vanilla
/// gradients, gradients x inputs, Grad-CAM, Grad-CAM++, FullGrad) that explain the same model with the same score and
/// internal batch size take their gradients from a single forward+backward pass that captures every layer any of them
/// needs, so k of them cost 1 pass instead of k. The other methods run as they would alone. Each explanation's time
/// includes its even share of the shared pass, and its parameters say the pass was shared.
/// </summary>
public sealed class ExplainerSet
{
    /// <summary>Creates the set.</summary>
    /// <exception cref="ArgumentException">The list is empty or holds a null.</exception>
    public ExplainerSet(IEnumerable<IExplainer> explainers)
    {
        ArgumentNullException.ThrowIfNull(explainers);
        Explainers = [.. explainers];
        if (Explainers.Count == 0 || Explainers.Any(e => e is null))
        {
            throw new ArgumentException("An explainer set needs at least one explainer and no nulls.", nameof(explainers));
        }
    }

    /// <summary>The methods, in the order of the results.</summary>
    public IReadOnlyList<IExplainer> Explainers { get; }

    /// <summary>Explains <paramref name="inputs"/> with every method; the caller owns (disposes) the explanations.</summary>
    /// <returns>One explanation per method, in the order of <see cref="Explainers"/>.</returns>
    public IReadOnlyList<Explanation> Explain(Tensor? inputs, Targets targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = torch.NewDisposeScope();
        var explanations = new List<Explanation>();
        try
        {
            var shared = inputs is null ? [] : SharedPasses(inputs, targets, scope);
            foreach (var explainer in Explainers)
            {
                if (shared.TryGetValue(explainer, out var pass))
                {
                    var explanation = ((Explainer)explainer).Explain(inputs, targets, pass.Pass);
                    explanation.Elapsed += pass.Share;
                    explanations.Add(explanation);
                }
                else
                {
                    explanations.Add(explainer.Explain(inputs, targets));
                }
            }
            return explanations;
        }
        catch
        {
            explanations.ForEach(e => e.Dispose());
            throw;
        }
    }

    /// <summary>One pass for each group of two or more one-pass methods over the same model, score and batch size.</summary>
    private Dictionary<IExplainer, (GradientPass Pass, TimeSpan Share)> SharedPasses(Tensor inputs, Targets targets, DisposeScope scope)
    {
        var passes = new Dictionary<IExplainer, (GradientPass, TimeSpan)>(ReferenceEqualityComparer.Instance);
        var groups = Explainers.OfType<Explainer>().Distinct()
            .GroupBy(e => (e.Model, e.Score, e.InternalBatchSize))
            .Where(g => g.Count() > 1)   // a method alone shares nothing: don't probe its layers or check its inputs twice
            .Select(g => g.Select(e => (Explainer: e, Request: e.CheckedSharedPassRequest(inputs, targets))).Where(m => m.Request is not null).ToList())
            .Where(members => members.Count > 1);
        foreach (var members in groups)
        {
            var request = new GradientRequest(members.Any(m => m.Request!.InputGradient),
                [.. members.SelectMany(m => m.Request!.Layers).Distinct<nn.Module<Tensor, Tensor>>(ReferenceEqualityComparer.Instance)]);
            var clock = Stopwatch.StartNew();
            var pass = members[0].Explainer.SharedPass(inputs, targets, request, members.Count, scope);
            var share = clock.Elapsed / members.Count;
            members.ForEach(m => passes[m.Explainer] = (pass, share));
        }
        return passes;
    }
}
