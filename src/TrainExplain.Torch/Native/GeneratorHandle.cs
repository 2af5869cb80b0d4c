using System.Runtime.InteropServices;

namespace TrainExplain.Torch.Native;

/// <summary>Owns one native <c>at::Generator*</c>.</summary>
internal sealed class GeneratorHandle : SafeHandle
{
    internal GeneratorHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.te_generator_free(handle);
        return true;
    }
}
