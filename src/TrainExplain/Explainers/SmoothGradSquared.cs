
namespace TrainExplain.Explainers;

/// <summary>SmoothGrad with squared gradients, raw = mean of g^2 (Hooker et al. 2019, "A Benchmark for Interpretability Methods in Deep Neural Networks").</summary>
public sealed class SmoothGradSquared(nn.Module<Tensor, Tensor> model, int samples = 20, double noise = 0.15, long seed = 0, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
    : SmoothGrad(model, samples, noise, seed, score, internalBatchSize)
{
    /// <inheritdoc />
    protected override Tensor Combine(Tensor mean, Tensor meanOfSquares) => meanOfSquares;
}
