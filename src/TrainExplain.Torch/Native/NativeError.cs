using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace TrainExplain.Torch.Native;

/// <summary>Turns a failed native status into a <see cref="TorchException"/> carrying libtorch's message.</summary>
internal static class NativeError
{
    internal static void Check(int status)
    {
        if (status != 0)
        {
            Throw();
        }
    }

    [DoesNotReturn]
    private static void Throw()
    {
        var message = Marshal.PtrToStringUTF8(NativeMethods.te_last_error());
        throw new TorchException(string.IsNullOrEmpty(message) ? "libtorch reported an unspecified error" : message);
    }
}
