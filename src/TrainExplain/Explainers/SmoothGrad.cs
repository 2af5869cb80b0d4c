namespace TrainExplain.Explainers;

/// <summary>
/// SmoothGrad, raw = (1/n) sum_i dS_c/dx at (x + e_i) (Smilkov et al. 2017, "SmoothGrad: removing noise by adding
/// noise"): the <see cref="NoiseTunnel"/> over <see cref="VanillaGradients"/> with the mean. Heatmap: channel
/// reduction, percentile. Cost: n passes.
/// </summary>
public sealed class SmoothGrad(nn.Module<Tensor, Tensor> model, int samples = 20, double noise = 0.15, long seed = 0, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
    : NoiseTunnel(new VanillaGradients(model, score, internalBatchSize), NoiseAggregation.SmoothGrad, samples, noise, seed);
