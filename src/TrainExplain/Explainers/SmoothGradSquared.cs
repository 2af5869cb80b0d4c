namespace TrainExplain.Explainers;

/// <summary>
/// SmoothGrad², raw = mean of g^2 over the noisy copies (Hooker et al. 2019, "A Benchmark for Interpretability Methods
/// in Deep Neural Networks"): the <see cref="NoiseTunnel"/> over <see cref="VanillaGradients"/> with the mean of squares.
/// </summary>
public sealed class SmoothGradSquared(nn.Module<Tensor, Tensor> model, int samples = 20, double noise = 0.15, long seed = 0, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
    : NoiseTunnel(new VanillaGradients(model, score, internalBatchSize), NoiseAggregation.SmoothGradSquared, samples, noise, seed);
