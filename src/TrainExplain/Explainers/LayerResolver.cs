using TrainExplain.Torch;
using TrainExplain.Torch.Modules;

namespace TrainExplain.Explainers;

/// <summary>Finds a layer by its dotted module name (as in state_dict keys), in nested modules too.</summary>
internal static class LayerResolver
{
    /// <summary>The module named <paramref name="name"/>, or, for null, the last Conv2d met in forward order.</summary>
    /// <exception cref="ArgumentException">No such layer; the message lists the available names.</exception>
    internal static (string Name, Module Layer) Resolve(Module model, string? name, Tensor probeInput)
    {
        if (name is not null)
        {
            foreach (var (candidate, module) in model.named_modules())
            {
                if (candidate == name && candidate.Length > 0)
                {
                    return (candidate, module);
                }
            }
            var available = model.named_modules().Where(m => m.name.Length > 0).Select(m => $"{m.name} ({m.module.Name})");
            throw new ArgumentException($"The model has no layer named '{name}'. Available layers: {string.Join(", ", available)}.", nameof(name));
        }
        return LastConvolutionInForwardOrder(model, probeInput);
    }

    /// <summary>Runs one image forward with hooks on every Conv2d and keeps the one that ran last.</summary>
    private static (string, Module) LastConvolutionInForwardOrder(Module model, Tensor probeInput)
    {
        var convolutions = model.named_modules().Where(m => m.module is Conv2d).ToList();
        if (convolutions.Count == 0)
        {
            throw new ArgumentException("The model has no Conv2d layer; name the layer to explain explicitly.");
        }
        (string, Module)? last = null;
        var hooks = convolutions.Select(c => c.module.register_forward_hook((module, _, _) =>
        {
            last = (c.name, module);
            return null;
        })).ToList();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            model.call(probeInput.narrow(0, 0, 1));
        }
        finally
        {
            hooks.ForEach(h => h.Dispose());
        }
        return last ?? throw new ArgumentException("No Conv2d layer ran in the model's forward pass; name the layer to explain explicitly.");
    }
}
