using TrainExplain.Explainers;

namespace TrainExplain.Tests.Explainers;

/// <summary>
/// Integrated gradients' completeness error costs no pass by default (issue 21): it comes free from the path's point at
/// the baseline where the rule has one, and otherwise only with <see cref="IntegratedGradients.ComputeDelta"/>, for one
/// forward pass at the baseline.
/// </summary>
public sealed class IntegratedGradientsDeltaTests
{
    /// <summary>(rule, ComputeDelta, whether delta is given, forward-only passes: targets, and the baseline when asked and not free).</summary>
    public static TheoryData<IntegrationRule, bool, bool, int> Cases => new()
    {
        { IntegrationRule.GaussLegendre, false, false, 1 },
        { IntegrationRule.GaussLegendre, true, true, 2 },
        { IntegrationRule.RiemannMiddle, false, false, 1 },
        { IntegrationRule.RiemannRight, true, true, 2 },
        { IntegrationRule.RiemannLeft, false, true, 1 },
        { IntegrationRule.RiemannTrapezoid, false, true, 1 },
        { IntegrationRule.RiemannTrapezoid, true, true, 1 },
    };

    /// <summary>
    /// The passes the model sees, counted by a hook: m * N / B gradient passes and one forward for the targets, plus a
    /// forward at the baseline only when delta is asked for and the path has no point there; delta, when given, is
    /// sum(raw) - (S(x) - S(0)) with S(0) from a forward made here (within 1e-5 of the gap).
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void DeltaCostsAForwardPassOnlyWhenAskedForAndNotOnThePath(IntegrationRule rule, bool computeDelta, bool given, int forwardOnly)
    {
        torch.manual_seed(41);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.SmoothConvNet();
        var x = torch.rand([3, 1, 8, 8]);
        var passes = new List<bool>();
        var hook = model.register_forward_hook((_, input, output) =>
        {
            passes.Add(input.requires_grad);
            return output;
        });
        Attribution explanation;
        try
        {
            explanation = (Attribution)new IntegratedGradients(model, steps: 6, rule: rule, internalBatchSize: 4) { ComputeDelta = computeDelta }.Explain(x, Targets.Predicted);
        }
        finally
        {
            hook.remove();
        }
        using (explanation)
        {
            Assert.Equal(5, passes.Count(p => p));   // 6 points x 3 images in chunks of 4
            Assert.Equal(forwardOnly, passes.Count(p => !p));
            Assert.Equal(6, explanation.Passes);
            Assert.Equal(given, explanation.Delta is not null);
            if (explanation.Delta is { } delta)
            {
                using var noGrad = torch.no_grad();
                var baselineScores = model.call(torch.zeros_like(x)).gather(1, torch.tensor(explanation.Targets).unsqueeze(1)).squeeze(1).ToFloats();
                var rawSums = explanation.Raw.flatten(1).sum(1).ToFloats();
                var deltas = delta.ToFloats();
                for (var i = 0; i < deltas.Length; i++)
                {
                    var gap = explanation.Scores[i] - baselineScores[i];
                    Assert.True(Math.Abs(rawSums[i] - gap - deltas[i]) <= 1e-5 * Math.Max(1, Math.Abs(gap)), $"image {i}: delta {deltas[i]}, sum(raw) - gap {rawSums[i] - gap}");
                }
            }
        }
    }
}
