using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using TorchSharp.Modules;

namespace TrainExplain.Explainers;

/// <summary>Finds a layer by its dotted module name (as in state_dict keys), in nested modules too.</summary>
internal static class LayerResolver
{
    /// <summary>
    /// The last Conv2d found by a probe, per model, keyed by the probe's image shape and the model's Conv2d names: a
    /// model's forward order does not change between calls of one input shape, and the probe is a whole forward pass
    /// (40 ms for one 224-px image through ResNet-50 on two cores), so each explainer call would otherwise pay it again.
    /// </summary>
    private static readonly ConditionalWeakTable<nn.Module, ConcurrentDictionary<string, NamedLayer>> LastConvolutions = new();

    /// <summary>The module named <paramref name="name"/>, or, for null, the last Conv2d met in forward order.</summary>
    /// <exception cref="ArgumentException">No such layer; the message lists the available names.</exception>
    internal static NamedLayer Resolve(nn.Module<Tensor, Tensor> model, string? name, Tensor probeInput)
    {
        if (name is not null)
        {
            foreach (var (candidate, module) in model.named_modules())
            {
                if (candidate == name)
                {
                    return module is nn.Module<Tensor, Tensor> layer
                        ? new NamedLayer(candidate, layer)
                        : throw new ArgumentException($"Layer '{name}' is a {module.GetType().Name}, which does not map one tensor to one tensor; name a layer that does.", nameof(name));
                }
            }
            var available = model.named_modules().Select(m => $"{m.name} ({m.module.GetType().Name})");
            throw new ArgumentException($"The model has no layer named '{name}'. Available layers: {string.Join(", ", available)}.", nameof(name));
        }
        return LastConvolutionInForwardOrder(model, probeInput);
    }

    /// <summary>
    /// The Conv2d that ran last in a forward pass of one image, found once per model, input shape and set of Conv2d
    /// layers; a module replaced under the same name is probed again.
    /// </summary>
    private static NamedLayer LastConvolutionInForwardOrder(nn.Module<Tensor, Tensor> model, Tensor probeInput)
    {
        var convolutions = model.named_modules().Where(m => m.module is Conv2d).Select(m => (Name: m.name, Module: (Conv2d)m.module)).ToList();
        if (convolutions.Count == 0)
        {
            throw new ArgumentException("The model has no Conv2d layer; name the layer to explain explicitly.");
        }
        var key = $"{string.Join(",", probeInput.shape.Skip(1))}|{string.Join(",", convolutions.Select(c => c.Name))}";
        var found = LastConvolutions.GetOrCreateValue(model);
        if (found.TryGetValue(key, out var cached) && convolutions.Any(c => ReferenceEquals(c.Module, cached.Module)))
        {
            return cached;
        }
        return found[key] = Probe(model, probeInput, convolutions);
    }

    /// <summary>Runs one image forward with hooks on every Conv2d and keeps the one that ran last.</summary>
    private static NamedLayer Probe(nn.Module<Tensor, Tensor> model, Tensor probeInput, List<(string Name, Conv2d Module)> convolutions)
    {
        NamedLayer? last = null;
        var removeHooks = convolutions.Select(c => (Action)c.Module.register_forward_hook((module, _, output) =>
        {
            last = new NamedLayer(c.Name, module);
            return output;
        }).remove).ToList();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            model.call(probeInput.narrow(0, 0, 1));
        }
        finally
        {
            removeHooks.ForEach(remove => remove());
        }
        return last ?? throw new ArgumentException("No Conv2d layer ran in the model's forward pass; name the layer to explain explicitly.");
    }
}
