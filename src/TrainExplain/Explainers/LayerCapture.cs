using TrainExplain.Torch;
using TrainExplain.Torch.Modules;

namespace TrainExplain.Explainers;

/// <summary>
/// Records the outputs of some layers during forward passes through forward hooks, removed on <see cref="Dispose"/>
/// (use it in a <c>using</c> so they are removed on exceptions too). It keeps its own handles on the outputs, with the
/// same autograd identity, so gradients can be taken with respect to them even if the model frees its own.
/// </summary>
internal sealed class LayerCapture : IDisposable
{
    private readonly List<HookHandle> hooks = [];
    private readonly Tensor?[] outputs;
    private readonly List<Tensor>? history;

    /// <summary>Hooks <paramref name="layers"/>; with <paramref name="keepAll"/> the first layer's every output is kept (one per chunk).</summary>
    internal LayerCapture(IReadOnlyList<Module> layers, bool keepAll = false)
    {
        outputs = new Tensor?[layers.Count];
        history = keepAll ? [] : null;
        for (var i = 0; i < layers.Count; i++)
        {
            var index = i;
            hooks.Add(layers[i].register_forward_hook((_, _, output) =>
            {
                if (history is not null && index == 0)
                {
                    history.Add(output.detach());
                }
                outputs[index]?.Dispose();
                outputs[index] = output.NewReference();
                return null;
            }));
        }
    }

    internal LayerCapture(Module layer, bool keepAll = false) : this([layer], keepAll)
    {
    }

    /// <summary>Every output of the first layer since creation (requires keepAll).</summary>
    internal IReadOnlyList<Tensor> History() => history ?? throw new InvalidOperationException("This capture keeps only the last output.");

    /// <summary>The last output of layer <paramref name="index"/>.</summary>
    internal Tensor Output(int index = 0) =>
        outputs[index] ?? throw new InvalidOperationException("The captured layer did not run in the model's forward pass.");

    /// <summary>All captured outputs, in layer order.</summary>
    internal IReadOnlyList<Tensor> Outputs => [.. Enumerable.Range(0, outputs.Length).Select(Output)];

    /// <summary>Removes the hooks.</summary>
    public void Dispose() => hooks.ForEach(h => h.Dispose());
}
