namespace TrainExplain.Explainers;

/// <summary>How a <see cref="NoiseTunnel"/> combines the n maps g_i of the noisy copies of an image.</summary>
public enum NoiseAggregation
{
    /// <summary>SmoothGrad (Smilkov et al. 2017): the mean of g_i.</summary>
    SmoothGrad,

    /// <summary>SmoothGrad² (Hooker et al. 2019): the mean of g_i^2.</summary>
    SmoothGradSquared,

    /// <summary>VarGrad (Adebayo et al. 2018): the mean of g_i^2 minus the square of the mean of g_i.</summary>
    VarGrad,
}
