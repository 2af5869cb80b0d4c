namespace TrainExplain.Torch;

/// <summary>
/// Frees, when disposed, every tensor created on this thread while it was the innermost scope, except those moved out
/// with <see cref="Tensor.MoveToOuterDisposeScope"/> or <see cref="Tensor.DetachFromDisposeScope"/>. Scopes nest and are
/// per thread, as in TorchSharp; create them with <see cref="torch.NewDisposeScope"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic]
    private static DisposeScope? current;

    private readonly HashSet<Tensor> owned = new(ReferenceEqualityComparer.Instance);
    private bool disposed;

    internal DisposeScope()
    {
        Outer = current;
        current = this;
    }

    /// <summary>The innermost scope of the calling thread, or null.</summary>
    public static DisposeScope? Current => current;

    /// <summary>The scope that was innermost when this one was created.</summary>
    public DisposeScope? Outer { get; }

    /// <summary>How many tensors this scope will free.</summary>
    public int Count => owned.Count;

    /// <summary>Makes this scope the owner of <paramref name="tensors"/>, taking them from the scope that owned them.</summary>
    public void Include(params ReadOnlySpan<Tensor> tensors)
    {
        foreach (var tensor in tensors)
        {
            tensor.Scope?.Remove(tensor);
            Add(tensor);
        }
    }

    internal void Add(Tensor tensor)
    {
        owned.Add(tensor);
        tensor.Scope = this;
    }

    internal void Remove(Tensor tensor)
    {
        owned.Remove(tensor);
        tensor.Scope = null;
    }

    /// <summary>Frees the tensors this scope owns and makes the outer scope current again.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        foreach (var tensor in owned)
        {
            tensor.Scope = null;
            tensor.Dispose();
        }
        owned.Clear();
        if (current == this)
        {
            current = Outer;
        }
    }
}
