
namespace TrainExplain.Explainers;

/// <summary>
/// Grad-CAM++ (Chattopadhyay et al. 2018, "Grad-CAM++: Improved Visual Explanations for Deep Convolutional Networks"):
/// s_k = sum over (h, w) of A_k, a = g^2 / (2 g^2 + s_k g^3 + 1e-7) where g != 0 (else 0), alpha_k = sum of a ReLU(g).
/// </summary>
public sealed class GradCamPlusPlus : CamExplainer
{
    /// <summary>Grad-CAM++ of one layer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="layer">The dotted name of the layer, or null for the last Conv2d.</param>
    /// <param name="score">What S_c is.</param>
    /// <param name="internalBatchSize">The most images per pass.</param>
    public GradCamPlusPlus(nn.Module<Tensor, Tensor> model, string? layer = null, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
        : base(model, layer is null ? null : [layer], score, internalBatchSize)
    {
    }

    /// <summary>Grad-CAM++ over several layers from one pass: the mean of their normalized, upsampled maps (<see cref="CamExplainer"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="layers">The dotted names of the layers, at least one.</param>
    /// <param name="score">What S_c is.</param>
    /// <param name="internalBatchSize">The most images per pass.</param>
    public GradCamPlusPlus(nn.Module<Tensor, Tensor> model, IReadOnlyList<string> layers, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize)
        : base(model, layers ?? throw new ArgumentNullException(nameof(layers)), score, internalBatchSize)
    {
    }

    /// <inheritdoc />
    protected override Tensor ChannelWeights(ExplainContext context, Tensor activations, Tensor? gradients)
    {
        var g = Required(gradients);
        var sums = activations.sum([2, 3], keepdim: true);
        var squared = g.square();
        var a = squared / ((2 * squared) + (sums * squared * g) + 1e-7);
        var gated = torch.where(g.ne(0), a, torch.zeros_like(a));
        return (gated * g.relu()).sum([2, 3]);
    }
}
