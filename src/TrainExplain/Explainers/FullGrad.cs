using TorchSharp.Modules;

namespace TrainExplain.Explainers;

/// <summary>
/// FullGrad (Srinivas and Fleuret 2019, "Full-Gradient Representation for Neural Network Visualization"): for every
/// layer l that adds a per-channel bias b_l to its output z_l (a Conv2d with bias; a BatchNorm2d, whose implicit bias in
/// eval mode is beta - running_mean * gamma / sqrt(running_var + eps)), G_l = sum over K of |dS_c/dz_l * b_l|, upsampled
/// and minmax-normalized per image; the input term G_0 = sum over C of |x * dS_c/dx|, minmax;
/// raw = G_0 + sum_l G_l [N, 1, H, W]; heatmap: minmax. All gradients come from one backward pass.
/// </summary>
public sealed class FullGrad(nn.Module<Tensor, Tensor> model, ScoreKind score = ScoreKind.Logit, int internalBatchSize = ModelMethod.DefaultInternalBatchSize) : Explainer(model, score, internalBatchSize)
{
    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var x = context.Inputs;
        var request = context.Request!;
        var gradients = context.Gradients(request);
        var total = Heatmaps.MinMax((x * gradients.Input!).abs().sum(1));
        for (var l = 0; l < request.Layers.Count; l++)
        {
            var bias = ImplicitBias(request.Layers[l].Module).to(x.dtype).view(1, -1, 1, 1);
            var term = (gradients.LayerGradients[l] * bias).abs().sum(1);
            total += Heatmaps.MinMax(Heatmaps.Upsample(term, x.size(2), x.size(3)));
        }
        return context.Attribution(total.unsqueeze(1), total, Normalization.MinMax, passes: 1);
    }

    /// <inheritdoc />
    protected internal override GradientRequest SharedPassRequest(Tensor inputs) =>
        new(InputGradient: true, Layers: [.. Model.named_modules()
            .Where(m => m.module is Conv2d { bias: not null } or BatchNorm2d)
            .Select(m => new NamedLayer(m.name, (nn.Module<Tensor, Tensor>)m.module))]);

    /// <summary>The per-channel bias that <paramref name="layer"/>, one of the biased layers, adds to its output.</summary>
    private static Tensor ImplicitBias(nn.Module<Tensor, Tensor> layer) => layer switch
    {
        BatchNorm2d norm => BatchNormBias(norm),
        _ => ((Conv2d)layer).bias!.detach(),
    };

    /// <summary>In eval mode BatchNorm2d is z = gamma (a - mean) / sqrt(var + eps) + beta, an affine map whose bias is this.</summary>
    private static Tensor BatchNormBias(BatchNorm2d norm)
    {
        if (norm.running_mean is null || norm.running_var is null)
        {
            throw new ArgumentException("FullGrad needs BatchNorm2d layers with running statistics (track_running_stats: true): without them eval mode normalizes by the batch and the layer has no fixed bias.");
        }
        using var noGrad = torch.no_grad();
        var scale = (norm.running_var + norm.eps).rsqrt();
        if (norm.weight is not null)
        {
            scale *= norm.weight;
        }
        var shift = -(norm.running_mean * scale);
        return norm.bias is null ? shift : shift + norm.bias;
    }
}
