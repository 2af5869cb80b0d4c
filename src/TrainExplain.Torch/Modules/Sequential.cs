namespace TrainExplain.Torch.Modules;

/// <summary>Runs its children in order, as <c>torch.nn.Sequential</c>; children are named "0", "1", ... or by the caller.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> layers = [];

    /// <summary>Children named by their position.</summary>
    public Sequential(params IEnumerable<Module> modules)
    {
        foreach (var module in modules)
        {
            Append(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        }
    }

    /// <summary>Children with explicit names (these become the state_dict prefixes).</summary>
    public Sequential(params IEnumerable<(string name, Module module)> modules)
    {
        foreach (var (name, module) in modules)
        {
            Append(name, module);
        }
    }

    private void Append(string name, Module module)
    {
        register_module(name, module);
        layers.Add(module);
    }

    /// <summary>The number of children.</summary>
    public int Count => layers.Count;

    /// <summary>The child at <paramref name="index"/>.</summary>
    public Module this[int index] => layers[index];

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var layer in layers)
        {
            x = layer.call(x);
        }
        return x;
    }
}
