using System.Diagnostics;

namespace TrainExplain.Explainers;

/// <summary>
/// Explains one batch with several methods and shares the work they have in common: the inputs are checked once and
/// copied to the host once, and the one-pass methods (vanilla gradients, gradients x inputs, Grad-CAM, Grad-CAM++,
/// FullGrad, and any third-party <see cref="Explainer"/> with a <see cref="Explainer.SharedPassRequest"/>) that explain
/// the same model with the same score and internal batch size take their gradients from a single forward+backward pass
/// that captures every layer any of them needs, so k of them cost 1 pass instead of k. Each method's request (a CAM's
/// layer, say) is resolved once. Each explanation's time includes its even share of the shared pass, and its
/// parameters say the pass was shared.
/// </summary>
public sealed class ExplainerSet
{
    /// <summary>Creates the set.</summary>
    /// <exception cref="ArgumentException">The list is empty, holds a null, or two methods have the same name.</exception>
    public ExplainerSet(IEnumerable<IExplainer> explainers)
    {
        ArgumentNullException.ThrowIfNull(explainers);
        Explainers = [.. explainers];
        if (Explainers.Count == 0 || Explainers.Any(e => e is null))
        {
            throw new ArgumentException("An explainer set needs at least one explainer and no nulls.", nameof(explainers));
        }
        if (Explainers.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Two explainers are named '{twice.Key}'; give one another name (Name = \"...\"), so their results can be told apart.", nameof(explainers));
        }
    }

    /// <summary>The methods, in the order of the results.</summary>
    public IReadOnlyList<IExplainer> Explainers { get; }

    /// <summary>Explains <paramref name="inputs"/> with every method; the caller owns (disposes) the explanations.</summary>
    /// <returns>One explanation per method, in the order of <see cref="Explainers"/>.</returns>
    public IReadOnlyList<Explanation> Explain(Tensor inputs, Targets targets)
    {
        Explainer.CheckInputs(inputs, targets);
        using var scope = torch.NewDisposeScope();
        using var host = new HostInputs(inputs);
        var plans = Plan(inputs, targets, scope, host);
        var explanations = new List<Explanation>();
        try
        {
            foreach (var explainer in Explainers)
            {
                explanations.Add(explainer switch
                {
                    Explainer frame when plans.TryGetValue(frame, out var plan) => frame.Run(inputs, targets, plan.Request, plan.Pass, host, plan.Share),
                    // A framed method alone in its group shares no pass, but still the check above and the host copy.
                    Explainer alone => alone.Run(inputs, targets, request: null, shared: null, host, TimeSpan.Zero),
                    _ => explainer.Explain(inputs, targets),
                });
            }
            return explanations;
        }
        catch
        {
            explanations.ForEach(e => e.Dispose());
            throw;
        }
    }

    /// <summary>
    /// Each framed method's request, resolved once, and for each group of two or more one-pass methods over the same
    /// model, score and batch size, the pass they share with each member's share of its time.
    /// </summary>
    private Dictionary<Explainer, (GradientRequest? Request, GradientPass? Pass, TimeSpan Share)> Plan(Tensor inputs, Targets targets, DisposeScope scope, HostInputs host)
    {
        var plans = new Dictionary<Explainer, (GradientRequest?, GradientPass?, TimeSpan)>(ReferenceEqualityComparer.Instance);
        var groups = Explainers.OfType<Explainer>().Distinct()
            .GroupBy(e => (e.Model, e.Score, e.InternalBatchSize))
            .Where(g => g.Count() > 1);   // a method alone shares nothing: its request is resolved in its own call
        foreach (var group in groups)
        {
            var members = group.Select(e => (Explainer: e, Request: e.RequestFor(inputs))).ToList();
            var sharing = members.Where(m => m.Request is not null).ToList();
            members.ForEach(m => plans[m.Explainer] = (m.Request, null, TimeSpan.Zero));
            if (sharing.Count < 2)
            {
                continue;
            }
            var request = new GradientRequest(sharing.Any(m => m.Request!.InputGradient),
                [.. sharing.SelectMany(m => m.Request!.Layers).DistinctBy(l => l.Module, ReferenceEqualityComparer.Instance)]);
            var clock = Stopwatch.StartNew();
            var pass = sharing[0].Explainer.SharedPass(inputs, targets, request, sharing.Count, scope, host);
            var share = clock.Elapsed / sharing.Count;
            sharing.ForEach(m => plans[m.Explainer] = (m.Request, pass, share));
        }
        return plans;
    }
}
