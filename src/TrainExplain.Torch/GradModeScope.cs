using TrainExplain.Torch.Native;

namespace TrainExplain.Torch;

/// <summary>Sets the thread's grad mode and restores the previous mode when disposed (<c>using (torch.no_grad())</c>).</summary>
public readonly struct GradModeScope : IDisposable
{
    // 0 for a default-constructed scope (restores nothing), else the previous mode + 1.
    private readonly int restore;

    internal GradModeScope(bool enabled) => restore = NativeMethods.te_set_grad_enabled(enabled ? 1 : 0) + 1;

    /// <summary>Restores the grad mode that was in force before.</summary>
    public void Dispose()
    {
        if (restore != 0)
        {
            NativeMethods.te_set_grad_enabled(restore - 1);
        }
    }
}
