namespace TrainExplain.Torch.Modules;

/// <summary>Removes a hook when disposed (or when <see cref="remove"/> is called); removing twice does nothing.</summary>
public sealed class HookHandle : IDisposable
{
    private Action? removeAction;

    internal HookHandle(Action remove) => removeAction = remove;

    /// <summary>Removes the hook.</summary>
    public void remove()
    {
        removeAction?.Invoke();
        removeAction = null;
    }

    /// <summary>Removes the hook.</summary>
    public void Dispose() => remove();
}
