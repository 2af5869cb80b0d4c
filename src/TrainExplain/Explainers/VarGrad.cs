
namespace TrainExplain.Explainers;

/// <summary>VarGrad, raw = mean of g^2 - (mean of g)^2 (Adebayo et al. 2018, "Local Explanation Methods for Deep Neural Networks Lack Sensitivity to Parameter Values").</summary>
public sealed class VarGrad(nn.Module<Tensor, Tensor> model, int samples = 20, double noise = 0.15, long seed = 0, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
    : SmoothGrad(model, samples, noise, seed, score, internalBatchSize)
{
    /// <inheritdoc />
    protected override Tensor Combine(Tensor mean, Tensor meanOfSquares) => meanOfSquares - mean.square();
}
