using TrainExplain.Torch.Modules;

namespace TrainExplain.Explainers;

/// <summary>
/// FullGrad (Srinivas and Fleuret 2019, "Full-Gradient Representation for Neural Network Visualization"): for every
/// biased Conv2d with output z_l, G_l = sum over K of |dS_c/dz_l * b_l|, upsampled and minmax-normalized per image;
/// the input term G_0 = sum over C of |x * dS_c/dx|, minmax; raw = G_0 + sum_l G_l [N, 1, H, W]; heatmap: minmax.
/// All gradients come from one backward pass. (This binding has no BatchNorm2d yet, so only convolution biases count.)
/// </summary>
public sealed class FullGrad(Module model, ScoreKind score = ScoreKind.Logit, int internalBatchSize = 256) : Explainer(model, score, internalBatchSize)
{
    /// <inheritdoc />
    protected override Explanation Compute(ExplainContext context)
    {
        var x = context.X;
        var biased = Model.named_modules().Select(m => m.module).OfType<Conv2d>().Where(c => c.bias is not null).ToList();
        using var capture = new LayerCapture([.. biased]);
        var (inputGradient, _, layerGradients) = context.InputAndLayerGradients(capture, biased.Count);
        var total = Heatmaps.MinMax((x * inputGradient).abs().sum(1));
        for (var l = 0; l < biased.Count; l++)
        {
            var bias = biased[l].bias!.detach().to(x.dtype).view(1, -1, 1, 1);
            var term = (layerGradients[l] * bias).abs().sum(1);
            total += Heatmaps.MinMax(Heatmaps.Upsample(term, x.size(2), x.size(3)));
        }
        return context.Attribution(Name, total.unsqueeze(1), Heatmaps.MinMax(total), passes: 1);
    }
}
