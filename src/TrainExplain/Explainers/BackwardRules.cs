using TorchSharp.Modules;

namespace TrainExplain.Explainers;

/// <summary>
/// Replaces the backward rule of a model's <c>nn.ReLU</c> modules (and, when a rule is given, its <c>nn.MaxPool2d</c>
/// modules) for the duration of a call, as Captum's module overrides do: a forward hook on each such module hands the
/// model, instead of the module's output, a tensor of the same value whose backward is the method's rule (guided
/// backpropagation, DeepLIFT's Rescale). In-place ReLUs are made out-of-place for the call, so the hook sees the ReLU's
/// input. Everything is undone on <see cref="Dispose"/>: use it in a <c>using</c>, so an exception undoes it too.
/// A functional <c>relu</c> inside a user's <c>forward</c>, or a module run through <c>.forward()</c> instead of
/// <c>.call()</c> (TorchSharp runs hooks only for <c>.call()</c>), cannot be reached: <see cref="Fired"/> counts the
/// ReLUs that did run through a rule, so a method can warn when none did.
/// </summary>
internal sealed class BackwardRules : IDisposable
{
    private readonly List<Action> undo = [];
    private readonly string modules;

    /// <summary>Hooks every ReLU with <paramref name="relu"/> and, when given, every MaxPool2d with <paramref name="maxPool"/>.</summary>
    /// <param name="model">The model whose modules are hooked.</param>
    /// <param name="relu">The ReLU's replacement output from its (input, output).</param>
    /// <param name="maxPool">The max-pool's replacement output from (module, input, output), or null to leave max-pools alone.</param>
    internal BackwardRules(nn.Module model, Func<Tensor, Tensor, Tensor> relu, Func<MaxPool2d, Tensor, Tensor, Tensor>? maxPool = null)
    {
        modules = maxPool is null ? "nn.ReLU module" : "nn.ReLU or nn.MaxPool2d module";
        try
        {
            foreach (var module in model.modules())
            {
                if (module is ReLU r)
                {
                    if (r.inplace)
                    {
                        r.inplace = false;
                        undo.Add(() => r.inplace = true);
                    }
                    undo.Add(r.register_forward_hook((_, input, output) =>
                    {
                        Fired++;
                        return relu(input, output);
                    }).remove);
                }
                else if (module is MaxPool2d pool && maxPool is not null)
                {
                    undo.Add(pool.register_forward_hook((_, input, output) =>
                    {
                        Fired++;
                        return maxPool(pool, input, output);
                    }).remove);
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>How many module calls went through a rule since creation.</summary>
    internal int Fired { get; private set; }

    /// <summary>
    /// Warns (once per <paramref name="warned"/> flag) when a pass ran no module through a rule: the model's ReLUs are
    /// functional or run through <c>.forward()</c>, so the method computed plain gradients there.
    /// </summary>
    internal void WarnIfNoneFired(string method, ref bool warned)
    {
        if (Fired == 0 && !warned)
        {
            warned = true;
            LibraryWarnings.Write($"{method}: no {modules} ran through its backward rule (a functional relu in the model's forward, or a ReLU module run with .forward() instead of .call(), cannot be reached), so its ReLUs kept their plain gradient and the result is not {method}.");
        }
    }

    /// <summary>Removes the hooks and restores in-place ReLUs, last first.</summary>
    public void Dispose()
    {
        for (var i = undo.Count - 1; i >= 0; i--)
        {
            undo[i]();
        }
        undo.Clear();
    }
}
