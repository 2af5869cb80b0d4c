using System.Runtime.InteropServices;

namespace TrainExplain.Numerics;

/// <summary>
/// libtorch's process-wide backend switches, which TorchSharp does not bind: <c>at::globalContext()</c>'s oneDNN and
/// NNPACK flags (PyTorch's <c>torch.backends.mkldnn.enabled</c> and <c>torch.backends.nnpack.enabled</c>), and NNPACK's
/// own initialization, which answers without printing (libtorch's wrapper prints "Could not initialize NNPACK!" on every
/// convolution that could use it). Every entry point is exported by <c>libtorch_cpu</c>, which the CPU and CUDA backends
/// both ship.
/// </summary>
internal static partial class LibTorchContext
{
    private const string Library = "libtorch_cpu";

    /// <summary>Whether oneDNN may claim convolutions (libtorch's default: true).</summary>
    internal static bool OneDnnEnabled
    {
        get => UserEnabledMkldnn(GlobalContext());
        set => SetUserEnabledMkldnn(GlobalContext(), value);
    }

    /// <summary>Whether NNPACK may claim convolutions (libtorch's default: true).</summary>
    internal static bool NnpackEnabled
    {
        get => UserEnabledNnpack(GlobalContext());
        set => SetUserEnabledNnpack(GlobalContext(), value);
    }

    /// <summary>Whether NNPACK initializes on this CPU (nnp_initialize returns nnp_status_success, 0); it is idempotent.</summary>
    internal static bool NnpackInitializes() => NnpInitialize() == 0;

    [LibraryImport(Library, EntryPoint = "_ZN2at13globalContextEv")]
    private static partial IntPtr GlobalContext();

    [LibraryImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool UserEnabledMkldnn(IntPtr context);

    [LibraryImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static partial void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool UserEnabledNnpack(IntPtr context);

    [LibraryImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static partial void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport(Library, EntryPoint = "nnp_initialize")]
    private static partial int NnpInitialize();
}
