using System.Runtime.InteropServices;

namespace TrainExplain.Torch.Native;

/// <summary>Owns one native <c>at::Tensor*</c>; releasing it twice is impossible by construction.</summary>
internal sealed class TensorHandle : SafeHandle
{
    internal TensorHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.te_free(handle);
        return true;
    }
}
