namespace TrainExplain.Explainers;

/// <summary>
/// VarGrad, raw = mean of g^2 - (mean of g)^2 over the noisy copies (Adebayo et al. 2018, "Local Explanation Methods
/// for Deep Neural Networks Lack Sensitivity to Parameter Values"): the <see cref="NoiseTunnel"/> over
/// <see cref="VanillaGradients"/> with the variance.
/// </summary>
public sealed class VarGrad(nn.Module<Tensor, Tensor> model, int samples = 20, double noise = 0.15, long seed = 0, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
    : NoiseTunnel(new VanillaGradients(model, score, internalBatchSize), NoiseAggregation.VarGrad, samples, noise, seed);
