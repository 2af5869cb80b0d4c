
namespace TrainExplain.Explainers;

/// <summary>
/// Records the outputs of some layers during forward passes through forward hooks, removed on <see cref="Dispose"/>
/// (use it in a <c>using</c> so they are removed on exceptions too). TorchSharp runs hooks only when a module is run
/// through <c>.call()</c>. Models free intermediate tensors themselves: <c>nn.Sequential</c> disposes each child's
/// output once the next child has run, and a model that opens its own dispose scope frees them when its forward
/// returns. So the capture keeps the layer's output, attached to the owner scope (that of the explainer call that
/// reads it), and hands the model an alias of it instead: a view that the model may dispose, through which gradients
/// still flow back to the kept output.
/// </summary>
internal sealed class LayerCapture : IDisposable
{
    private readonly List<Action> removeHooks = [];
    private readonly IReadOnlyList<NamedLayer> layers;
    private readonly Tensor?[] outputs;
    private readonly List<Tensor>? history;

    /// <summary>Hooks <paramref name="layers"/>; with <paramref name="keepAll"/> the first layer's every output is kept (one per chunk).</summary>
    internal LayerCapture(IReadOnlyList<NamedLayer> layers, DisposeScope owner, bool keepAll = false)
    {
        this.layers = layers;
        outputs = new Tensor?[layers.Count];
        history = keepAll ? [] : null;
        for (var i = 0; i < layers.Count; i++)
        {
            var index = i;
            removeHooks.Add(layers[i].Module.register_forward_hook((_, _, output) =>
            {
                owner.Attach(output);   // a no-op when it is there already (MoveToOther onto its own scope would drop it)
                if (index == 0)
                {
                    history?.Add(output);
                }
                outputs[index] = output;
                return output.alias();
            }).remove);
        }
    }

    /// <summary>Every output of the first layer since creation (requires keepAll), at least one.</summary>
    internal IReadOnlyList<Tensor> History() => history is null
        ? throw new InvalidOperationException("This capture keeps only the last output.")
        : history.Count > 0 ? history : throw NotRun(0);

    /// <summary>The last output of layer <paramref name="index"/>.</summary>
    internal Tensor Output(int index = 0) => outputs[index] ?? throw NotRun(index);

    private InvalidOperationException NotRun(int index) =>
        new($"Layer '{layers[index].Name}' did not run in the model's forward pass: TorchSharp runs hooks only for modules called through .call(), so the model must call it with .call(), not .forward().");

    /// <summary>All captured outputs, in layer order.</summary>
    internal IReadOnlyList<Tensor> Outputs => [.. Enumerable.Range(0, outputs.Length).Select(Output)];

    /// <summary>Removes the hooks.</summary>
    public void Dispose() => removeHooks.ForEach(remove => remove());
}
