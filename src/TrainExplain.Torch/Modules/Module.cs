using System.Reflection;

namespace TrainExplain.Torch.Modules;

/// <summary>
/// A layer or a model, as <c>torch.nn.Module</c>: named children, parameters and buffers with PyTorch's dotted names,
/// train/eval mode, forward hooks, device moves and state dicts. Subclasses implement <see cref="forward"/> and register
/// their parts with <see cref="register_module"/>, <see cref="register_parameter"/>, <see cref="register_buffer"/>, or
/// all fields at once with <see cref="RegisterComponents"/>; callers run them with <see cref="call"/> so hooks fire.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<KeyValuePair<string, Module>> children = [];
    private readonly List<KeyValuePair<string, Tensor?>> parameterSlots = [];
    private readonly List<KeyValuePair<string, Tensor?>> bufferSlots = [];
    private readonly List<ForwardHook> forwardHooks = [];
    private int nextHookId;
    private bool disposed;

    /// <summary>Creates a module with a display name (the class name by default).</summary>
    protected Module(string? name = null) => Name = name ?? GetType().Name;

    /// <summary>The display name, e.g. <c>Conv2d</c>.</summary>
    public string Name { get; }

    /// <summary>True in training mode (dropout active, batch norm updating its statistics).</summary>
    public bool training { get; private set; } = true;

    /// <summary>The computation of this module.</summary>
    public abstract Tensor forward(Tensor input);

    /// <summary>Runs <see cref="forward"/>, then the forward hooks (which may replace the output).</summary>
    public Tensor call(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(disposed, this);
        var output = forward(input);
        for (var i = 0; i < forwardHooks.Count; i++)
        {
            output = forwardHooks[i].Hook(this, input, output) ?? output;
        }
        return output;
    }

    /// <summary>Adds a hook run after every forward pass; it may return a replacement output. Dispose the handle to remove it.</summary>
    public HookHandle register_forward_hook(Func<Module, Tensor, Tensor, Tensor?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var id = nextHookId++;
        forwardHooks.Add(new ForwardHook(id, hook));
        return new HookHandle(() => forwardHooks.RemoveAll(h => h.Id == id));
    }

    /// <summary>Registers a child module under <paramref name="name"/>.</summary>
    protected void register_module(string name, Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckNewName(name);
        children.Add(new(name, module));
    }

    /// <summary>Registers a trainable tensor (it is detached from dispose scopes and made to require grad).</summary>
    protected void register_parameter(string name, Tensor? parameter)
    {
        CheckNewName(name);
        parameter?.DetachFromDisposeScope().requires_grad_(true);
        parameterSlots.Add(new(name, parameter));
    }

    /// <summary>Registers a state tensor that is saved but not trained, e.g. batch norm's running mean.</summary>
    protected void register_buffer(string name, Tensor? buffer)
    {
        CheckNewName(name);
        buffer?.DetachFromDisposeScope();
        bufferSlots.Add(new(name, buffer));
    }

    /// <summary>
    /// Registers every field of the concrete class that holds a <see cref="Module"/> (as a child) or a
    /// <see cref="Tensor"/> (as a parameter), in declaration order, under the field's name, as TorchSharp does.
    /// </summary>
    protected void RegisterComponents()
    {
        var fields = GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
        foreach (var field in fields.OrderBy(f => f.MetadataToken))
        {
            var name = field.Name.StartsWith('<') ? field.Name[1..field.Name.IndexOf('>')] : field.Name;
            switch (field.GetValue(this))
            {
                case Module module:
                    register_module(name, module);
                    break;
                case Tensor tensor:
                    register_parameter(name, tensor);
                    break;
            }
        }
    }

    private void CheckNewName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
        {
            throw new ArgumentException($"A module member name must be non-empty and contain no '.', got '{name}'.", nameof(name));
        }
        if (children.Any(c => c.Key == name) || parameterSlots.Any(p => p.Key == name) || bufferSlots.Any(b => b.Key == name))
        {
            throw new ArgumentException($"{Name} already has a member named '{name}'.", nameof(name));
        }
    }

    /// <summary>The parameter registered under <paramref name="name"/> on this module itself.</summary>
    protected Tensor? GetParameter(string name) => parameterSlots.First(p => p.Key == name).Value;

    /// <summary>The buffer registered under <paramref name="name"/> on this module itself.</summary>
    protected Tensor? GetBuffer(string name) => bufferSlots.First(b => b.Key == name).Value;

    /// <summary>The direct children with their names.</summary>
    public IEnumerable<(string name, Module module)> named_children() => children.Select(c => (c.Key, c.Value));

    /// <summary>The direct children.</summary>
    public IEnumerable<Module> children_() => children.Select(c => c.Value);

    /// <summary>
    /// This module (named "") and all its descendants, depth first in registration order, with dotted names; a module
    /// reachable under several names is listed once, under the first, as in PyTorch.
    /// </summary>
    public IEnumerable<(string name, Module module)> named_modules() => Walk("", new HashSet<Module>(ReferenceEqualityComparer.Instance));

    // Depth-first walk; with `seen`, modules already visited are skipped (named_modules), without it every path is
    // listed (state_dict saves a shared module under each of its names, as PyTorch does).
    private IEnumerable<(string name, Module module)> Walk(string prefix, HashSet<Module>? seen)
    {
        if (seen is not null && !seen.Add(this))
        {
            yield break;
        }
        yield return (prefix, this);
        foreach (var (childName, child) in children)
        {
            foreach (var entry in child.Walk(prefix.Length == 0 ? childName : $"{prefix}.{childName}", seen))
            {
                yield return entry;
            }
        }
    }

    /// <summary>All parameters with dotted names (own first, then the children's).</summary>
    public IEnumerable<(string name, Tensor parameter)> named_parameters(bool recurse = true) => Named(m => m.parameterSlots, recurse);

    /// <summary>All parameters.</summary>
    public IEnumerable<Tensor> parameters(bool recurse = true) => named_parameters(recurse).Select(p => p.parameter);

    /// <summary>All buffers with dotted names.</summary>
    public IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true) => Named(m => m.bufferSlots, recurse);

    /// <summary>All buffers.</summary>
    public IEnumerable<Tensor> buffers(bool recurse = true) => named_buffers(recurse).Select(b => b.buffer);

    private IEnumerable<(string, Tensor)> Named(Func<Module, List<KeyValuePair<string, Tensor?>>> slots, bool recurse)
    {
        var modules = recurse ? named_modules() : [("", this)];
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in modules)
        {
            foreach (var (name, tensor) in slots(module))
            {
                // A tensor registered in several places is listed once, as PyTorch's named_parameters does.
                if (tensor is not null && seen.Add(tensor))
                {
                    yield return (prefix.Length == 0 ? name : $"{prefix}.{name}", tensor);
                }
            }
        }
    }

    /// <summary>Sets training mode on this module and all descendants.</summary>
    public Module train(bool mode = true)
    {
        foreach (var (_, module) in named_modules())
        {
            module.training = mode;
        }
        return this;
    }

    /// <summary>Sets evaluation mode (<c>train(false)</c>).</summary>
    public Module eval() => train(false);

    /// <summary>Moves every parameter and buffer to <paramref name="device"/> in place (references stay valid).</summary>
    public Module to(Device device)
    {
        foreach (var tensor in parameters().Concat(buffers()))
        {
            if (tensor.device != device)
            {
                using var moved = tensor.detach().to(device);
                tensor.set_data(moved);
            }
        }
        return this;
    }

    /// <summary>Clears the gradients of all parameters.</summary>
    public void zero_grad()
    {
        foreach (var parameter in parameters())
        {
            parameter.grad = null;
        }
    }

    /// <summary>
    /// Parameters and buffers by PyTorch's dotted names, in PyTorch's order. The tensors are the module's own (not
    /// copies): read them, do not dispose them.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> state_dict()
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (prefix, module) in Walk("", seen: null))
        {
            foreach (var (name, tensor) in module.parameterSlots.Concat(module.bufferSlots))
            {
                if (tensor is not null)
                {
                    state.Add(prefix.Length == 0 ? name : $"{prefix}.{name}", tensor);
                }
            }
        }
        return state;
    }

    /// <summary>
    /// Copies values from <paramref name="state"/> into the parameters and buffers of the same names. With
    /// <paramref name="strict"/>, a missing or unexpected key is an error; a shape mismatch always is.
    /// </summary>
    /// <returns>The keys the module has but the state lacks, and those the state has but the module lacks.</returns>
    /// <exception cref="ArgumentException">A shape differs, or (strict) keys are missing or unexpected.</exception>
    public (IReadOnlyList<string> missing, IReadOnlyList<string> unexpected) load_state_dict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var own = state_dict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
        {
            throw new ArgumentException($"load_state_dict of {Name}: missing keys [{string.Join(", ", missing)}], unexpected keys [{string.Join(", ", unexpected)}].", nameof(state));
        }
        foreach (var (name, target) in own)
        {
            if (state.TryGetValue(name, out var source) && !source.Shape.AsSpan().SequenceEqual(target.Shape))
            {
                throw new ArgumentException($"load_state_dict of {Name}: '{name}' has shape [{string.Join(", ", source.Shape)}] in the state but [{string.Join(", ", target.Shape)}] in the module.", nameof(state));
            }
        }
        using (torch.no_grad())
        {
            foreach (var (name, target) in own)
            {
                if (state.TryGetValue(name, out var source))
                {
                    target.copy_(source);
                }
            }
        }
        return (missing, unexpected);
    }

    /// <summary>Releases the native memory of every parameter and buffer of this module and its descendants.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        foreach (var tensor in parameters().Concat(buffers()).ToList())
        {
            tensor.Dispose();
        }
        foreach (var child in children)
        {
            child.Value.Dispose();
        }
        disposed = true;
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private sealed record ForwardHook(int Id, Func<Module, Tensor, Tensor, Tensor?> Hook);
}
