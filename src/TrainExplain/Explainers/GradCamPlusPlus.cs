
namespace TrainExplain.Explainers;

/// <summary>
/// Grad-CAM++ (Chattopadhyay et al. 2018, "Grad-CAM++: Improved Visual Explanations for Deep Convolutional Networks"):
/// s_k = sum over (h, w) of A_k, a = g^2 / (2 g^2 + s_k g^3 + 1e-7) where g != 0 (else 0), alpha_k = sum of a ReLU(g).
/// </summary>
public sealed class GradCamPlusPlus(nn.Module<Tensor, Tensor> model, string? layer = null, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
    : CamExplainer(model, layer, score, internalBatchSize)
{
    /// <inheritdoc />
    protected override Tensor ChannelWeights(Tensor activations, Tensor gradients)
    {
        var sums = activations.sum([2, 3], keepdim: true);
        var squared = gradients.square();
        var a = squared / ((2 * squared) + (sums * squared * gradients) + 1e-7);
        var gated = torch.where(gradients.ne(0), a, torch.zeros_like(a));
        return (gated * gradients.relu()).sum([2, 3]);
    }
}
