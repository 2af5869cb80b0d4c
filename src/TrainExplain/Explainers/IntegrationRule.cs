namespace TrainExplain.Explainers;

/// <summary>How integrated gradients discretize the path integral (METHODS.md gives points a_k and weights w_k).</summary>
public enum IntegrationRule
{
    /// <summary>a_k = k/m, w_k = 1/m.</summary>
    RiemannLeft,
    /// <summary>a_k = (k+1)/m, w_k = 1/m.</summary>
    RiemannRight,
    /// <summary>a_k = (k+0.5)/m, w_k = 1/m.</summary>
    RiemannMiddle,
    /// <summary>a_k = k/(m-1), w_k = 1/(m-1), halved at both ends.</summary>
    RiemannTrapezoid,
    /// <summary>Gauss-Legendre nodes and weights mapped from [-1, 1] to [0, 1] (the default).</summary>
    GaussLegendre,
}
