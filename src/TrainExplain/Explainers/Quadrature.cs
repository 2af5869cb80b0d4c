namespace TrainExplain.Explainers;

/// <summary>The points a_k in [0, 1] and weights w_k of each <see cref="IntegrationRule"/>, in double precision.</summary>
internal static class Quadrature
{
    /// <summary>Roots this close to either end (m sin(theta) below about 60) use the exact recurrence; the series needs more terms there.</summary>
    private const int RecurrenceRoots = 20;

    /// <summary>With m sin(theta) above about 60, term j of the series is below j! / 120^j, so 14 terms reach double precision.</summary>
    private const int SeriesTerms = 14;

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
    /// Gauss-Legendre nodes (ascending) and weights on [-1, 1], in O(m) time. Each root x = cos(theta) is found by
    /// Newton's iteration in theta from Tricomi's initial guess, and w = 2 / (dP_m/dtheta)^2. Roots among the
    /// <see cref="RecurrenceRoots"/> nearest either end evaluate P_m by the three-term recurrence (O(m) each); the others
    /// by <see cref="SeriesTerms"/> terms of Stieltjes' asymptotic expansion in theta (O(1) each), as in Hale and
    /// Townsend 2013, "Fast and accurate computation of Gauss-Legendre and Gauss-Jacobi quadrature nodes and weights".
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">m is below 1.</exception>
    public static (double[] Nodes, double[] Weights) GaussLegendre(int m)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m);
        var nodes = new double[m];
        var weights = new double[m];
        var seriesScale = StieltjesScale(m);
        // Root k = 1, 2, ... counted from x = 1; the others mirror them (P_m is even or odd).
        for (var k = 1; k <= (m + 1) / 2; k++)
        {
            var guess = Math.PI * ((4.0 * k) - 1) / ((4.0 * m) + 2);
            guess += (m - 1) / (8.0 * m * m * m) * Math.Cos(guess) / Math.Sin(guess);
            var (theta, derivative) = NewtonInTheta(m, guess, nearEnd: k <= RecurrenceRoots, seriesScale);
            var x = k == m - k + 1 ? 0 : Math.Cos(theta);
            (nodes[m - k], nodes[k - 1]) = (x, -x);
            weights[m - k] = weights[k - 1] = 2 / (derivative * derivative);
        }
        return (nodes, weights);
    }

    /// <summary>Newton's iteration for P_m(cos theta) = 0; returns the root and dP_m/dtheta there.</summary>
    private static (double Theta, double Derivative) NewtonInTheta(int m, double theta, bool nearEnd, double seriesScale)
    {
        (double Value, double Derivative) evaluate(double at) => nearEnd ? RecurrenceInTheta(m, at) : StieltjesInTheta(m, at, seriesScale);

        for (var iteration = 0; iteration < 10; iteration++)
        {
            var (value, derivative) = evaluate(theta);
            var step = value / derivative;
            theta -= step;
            if (Math.Abs(step) <= 1e-15)
            {
                break;
            }
        }
        return (theta, evaluate(theta).Derivative);
    }

    /// <summary>
    /// P_m(cos theta) and its theta derivative m (x P_m - P_{m-1}) / sin(theta) by the three-term recurrence, written in
    /// u = 1 - x = 2 sin^2(theta / 2): near x = 1, x itself would round theta to about 1e-16 / sin(theta).
    /// </summary>
    private static (double Value, double Derivative) RecurrenceInTheta(int m, double theta)
    {
        var half = Math.Sin(theta / 2);
        var u = 2 * half * half;
        double previous = 1, current = 1 - u;
        for (var n = 2; n <= m; n++)
        {
            (previous, current) = (current, ((((2 * n) - 1) * (current - (u * current))) - ((n - 1) * previous)) / n);
        }
        return m == 1 ? (current, -Math.Sin(theta)) : (current, m * (current - previous - (u * current)) / Math.Sin(theta));
    }

    /// <summary>
    /// P_m(cos theta) = C_m sum_j h_j cos(a_j) / (2 sin theta)^(j + 1/2) with a_j = (m + j + 1/2) theta - (j + 1/2) pi / 2,
    /// h_0 = 1, h_j = h_{j-1} (j - 1/2)^2 / (j (m + j + 1/2)), and its theta derivative, term by term.
    /// </summary>
    private static (double Value, double Derivative) StieltjesInTheta(int m, double theta, double scale)
    {
        var (sin, cos) = Math.SinCos(theta);
        double value = 0, derivative = 0, h = 1;
        var power = Math.Sqrt(2 * sin);
        // a_{j+1} = a_j + theta - pi/2: each term's angle is the last one's turned by (cos, sin)(theta - pi/2) = (sin, -cos).
        var (sinA, cosA) = Math.SinCos(((m + 0.5) * theta) - (Math.PI / 4));
        for (var j = 0; j < SeriesTerms; j++)
        {
            if (j > 0)
            {
                h *= (j - 0.5) * (j - 0.5) / (j * (m + j + 0.5));
                power *= 2 * sin;
                (cosA, sinA) = ((cosA * sin) + (sinA * cos), (sinA * sin) - (cosA * cos));
            }
            value += h * cosA / power;
            derivative -= h * (((m + j + 0.5) * sinA) + ((j + 0.5) * cosA * cos / sin)) / power;
        }
        return (scale * value, scale * derivative);
    }

    /// <summary>C_m = (2 / sqrt(pi)) Gamma(m + 1) / Gamma(m + 3/2) = (4 / pi) prod_{j=1..m} j / (j + 1/2).</summary>
    private static double StieltjesScale(int m)
    {
        var scale = 4 / Math.PI;
        for (var j = 1; j <= m; j++)
        {
            scale *= j / (j + 0.5);
        }
        return scale;
    }
}
