using TrainExplain.Explainers;

namespace TrainExplain.Tests.Explainers;

/// <summary>
/// Gauss-Legendre nodes and weights at sizes where the roots come from the recurrence only (m &lt;= 40) and from the
/// asymptotic series too (m &gt; 40), against 40-digit values, exact integrals and a bound on memory (issue 13,
/// item 5); and the step and sample limits of integrated gradients and SmoothGrad.
/// </summary>
public sealed class QuadratureTests
{
    // (m, index, node, weight) by Newton's iteration on the recurrence in 40-digit arithmetic (mpmath 1.3).
    public static TheoryData<int, int, double, double> FortyDigits => new()
    {
        { 41, 0, -0.99832158857477144, 0.0043061403581648877 },
        { 41, 13, -0.50541659919940603, 0.06531419645352741 },
        { 100, 0, -0.99971372677344123, 0.00073463449050567173 },
        { 100, 19, -0.81538923833917625, 0.018095940722128117 },
        { 100, 20, -0.79689789239031448, 0.018883739613374905 },
        { 100, 33, -0.49321078920819093, 0.02719261344657688 },
        { 1000, 0, -0.99999711129807551, 7.4133384164320715e-6 },
        { 1000, 19, -0.99807753375457676, 0.00019460509080733448 },
        { 1000, 20, -0.99787800859415457, 0.0002044449021678837 },
        { 1000, 333, -0.49931994881461498, 0.0027205706667050796 },
        { 20000, 0, -0.99999999277137899, 1.8550975819595723e-8 },
        { 20000, 19, -0.99999518772881636, 4.872865756636705e-7 },
        { 20000, 20, -0.99999468810591376, 5.1195922750859475e-7 },
        { 20000, 6666, -0.50001133576354666, 0.00013603052344222748 },
    };

    [Theory]
    [MemberData(nameof(FortyDigits))]
    public void NodesAndWeightsMatchFortyDigitValues(int m, int index, double node, double weight)
    {
        // The weights of the outermost roots are the hardest: dP/dtheta there moves by cot(theta) ~ m per unit of theta,
        // and the recurrence the 20 outermost use rounds more as m grows (3e-10 relative at m = 20000's first root); the
        // series roots inside hold 1e-13.
        var (nodes, weights) = Quadrature.GaussLegendre(m);
        var weightTolerance = index < 20 ? 1e-9 : 1e-13;
        Assert.True(Math.Abs(nodes[index] - node) <= 3e-16, $"node {index} of {m}: {nodes[index]:R} against {node:R}");
        Assert.True(Math.Abs(weights[index] - weight) <= weightTolerance * weight, $"weight {index} of {m}: {weights[index]:R} against {weight:R}");
        // The mirror image: P_m is even or odd.
        Assert.Equal(-nodes[index], nodes[m - 1 - index]);
        Assert.Equal(weights[index], weights[m - 1 - index]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(40)]
    [InlineData(41)]
    [InlineData(1001)]
    [InlineData(20000)]
    [InlineData(1_000_000)]
    public void SmoothIntegralsAreExactToRoundingAndNodesAscend(int m)
    {
        var (nodes, weights) = Quadrature.GaussLegendre(m);
        Assert.All(nodes.Zip(nodes.Skip(1)), pair => Assert.True(pair.First < pair.Second, $"{pair.First:R} then {pair.Second:R}"));
        // Kahan-free sums of a million terms keep about 1e-13; m = 1, 2 integrate polynomials of degree 1, 3 exactly.
        var tolerance = m >= 20000 ? 1e-12 : 1e-14;
        Assert.Equal(2, weights.Sum(), tolerance);
        var cubic = nodes.Zip(weights, (x, w) => w * ((x * x * x) + (0.5 * x) + 1)).Sum();
        Assert.Equal(2, cubic, tolerance);
        if (m >= 40)
        {
            // The integral of e^x over [-1, 1] is e - 1/e; m = 40 points are exact for degree 79, far past what e^x needs.
            Assert.Equal(Math.E - (1 / Math.E), nodes.Zip(weights, (x, w) => w * Math.Exp(x)).Sum(), tolerance);
            Assert.Equal(2 * Math.Sin(30) / 30, nodes.Zip(weights, (x, w) => w * Math.Cos(30 * x)).Sum(), tolerance);
        }
    }

    [Fact]
    public void AMillionPointsAllocateLittleMoreThanTheirTwoArrays()
    {
        // The old Newton-on-recurrence setup kept memory flat too but took O(m^2) time; this bounds the allocations so a
        // version that builds a matrix (Golub-Welsch) or caches per-root objects fails here, not in a user's RAM.
        const int m = 1_000_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (nodes, _) = Quadrature.GaussLegendre(m);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(m, nodes.Length);
        Assert.InRange(allocated, 2L * m * sizeof(double), (2L * m * sizeof(double)) + (1 << 20));
    }

    [Fact]
    public void StepsAndSamplesPastTheirLimitsAreRefusedBeforeAnyArrayIsMade()
    {
        using var model = ExplainerModels.Linear(ExplainerModels.Random(4, seed: 1), [0f], classes: 1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var steps = Assert.Throws<ArgumentOutOfRangeException>(() => new IntegratedGradients(model, steps: 2_000_000_000, rule: IntegrationRule.RiemannLeft));
        var samples = Assert.Throws<ArgumentOutOfRangeException>(() => new SmoothGrad(model, samples: IntegratedGradients.MaxSteps + 1));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
        Assert.Equal("steps", steps.ParamName);
        Assert.Contains(IntegratedGradients.MaxSteps.ToString(System.Globalization.CultureInfo.InvariantCulture), steps.Message);
        Assert.Equal("samples", samples.ParamName);
        Assert.Equal(IntegratedGradients.MaxSteps, new IntegratedGradients(model, steps: IntegratedGradients.MaxSteps, rule: IntegrationRule.RiemannMiddle).Points.Count);
    }

    [Fact]
    public void OcclusionNamesTheWindowSideOrTheStrideThatIsNotPositive()
    {
        using var model = ExplainerModels.Linear(ExplainerModels.Random(4, seed: 1), [0f], classes: 1);
        var side = Assert.Throws<ArgumentOutOfRangeException>(() => new OcclusionSensitivity(model, patch: 0));
        var stride = Assert.Throws<ArgumentOutOfRangeException>(() => new OcclusionSensitivity(model, patch: 3, stride: -1));
        Assert.Equal(("patch", 0), (side.ParamName, side.ActualValue));
        Assert.Equal(("stride", -1), (stride.ParamName, stride.ActualValue));
    }
}
