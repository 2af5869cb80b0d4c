namespace TrainExplain.Explainers;

/// <summary>The points a_k in [0, 1] and weights w_k of each <see cref="IntegrationRule"/>, in double precision.</summary>
public static class Quadrature
{
    /// <summary>The m points and weights of <paramref name="rule"/> on [0, 1].</summary>
    /// <exception cref="ArgumentOutOfRangeException">m is below 1 (below 2 for the trapezoid rule).</exception>
    public static (double[] Points, double[] Weights) For(IntegrationRule rule, int m)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, rule == IntegrationRule.RiemannTrapezoid ? 2 : 1);
        var points = new double[m];
        var weights = new double[m];
        if (rule == IntegrationRule.GaussLegendre)
        {
            var (nodes, nodeWeights) = GaussLegendre(m);
            for (var k = 0; k < m; k++)
            {
                (points[k], weights[k]) = ((nodes[k] + 1) / 2, nodeWeights[k] / 2);
            }
            return (points, weights);
        }
        for (var k = 0; k < m; k++)
        {
            (points[k], weights[k]) = rule switch
            {
                IntegrationRule.RiemannLeft => ((double)k / m, 1.0 / m),
                IntegrationRule.RiemannRight => ((k + 1.0) / m, 1.0 / m),
                IntegrationRule.RiemannMiddle => ((k + 0.5) / m, 1.0 / m),
                _ => ((double)k / (m - 1), (k == 0 || k == m - 1 ? 0.5 : 1.0) / (m - 1)),
            };
        }
        return (points, weights);
    }

    /// <summary>
    /// Gauss-Legendre nodes (ascending) and weights on [-1, 1]: Newton's iteration on the Legendre polynomial P_m from
    /// the Chebyshev-like initial guesses cos(pi (i + 0.75) / (m + 0.5)), with w = 2 / ((1 - x^2) P_m'(x)^2).
    /// </summary>
    public static (double[] Nodes, double[] Weights) GaussLegendre(int m)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m);
        var nodes = new double[m];
        var weights = new double[m];
        for (var i = 0; i < m; i++)
        {
            var x = Math.Cos(Math.PI * (i + 0.75) / (m + 0.5));
            double derivative;
            for (var iteration = 0; ; iteration++)
            {
                var (p, dp) = Legendre(m, x);
                var step = p / dp;
                x -= step;
                derivative = dp;
                if (Math.Abs(step) < 1e-15 || iteration == 100)
                {
                    derivative = Legendre(m, x).Derivative;
                    break;
                }
            }
            nodes[m - 1 - i] = x;
            weights[m - 1 - i] = 2 / ((1 - (x * x)) * derivative * derivative);
        }
        return (nodes, weights);
    }

    /// <summary>P_m(x) and P_m'(x) by the three-term recurrence.</summary>
    private static (double Value, double Derivative) Legendre(int m, double x)
    {
        double previous = 1, current = x;
        for (var n = 2; n <= m; n++)
        {
            (previous, current) = (current, (((2 * n) - 1) * x * current - ((n - 1) * previous)) / n);
        }
        if (m == 1)
        {
            return (x, 1);
        }
        return (current, m * ((x * current) - previous) / ((x * x) - 1));
    }
}
