namespace TrainExplain.Numerics;

/// <summary>
/// What <see cref="NumericsGuard"/> does about oneDNN, libtorch's CPU convolution backend. Set it with
/// <see cref="NumericsGuard.Configure"/> or the environment variable <c>TRAINEXPLAIN_ONEDNN</c> (<c>auto</c>, <c>off</c>,
/// <c>on</c>).
/// </summary>
public enum OneDnnMode
{
    /// <summary>
    /// The default: at first use on the CPU, check convolution gradients in float32 against float64; if they are wrong,
    /// turn oneDNN off for the library's backward passes, check again, and as a last resort turn it off for the process.
    /// </summary>
    Auto,

    /// <summary>No check: oneDNN off for the whole process (every CPU convolution takes libtorch's own kernels).</summary>
    Off,

    /// <summary>No check and no remedy: trust oneDNN on this machine.</summary>
    On,
}
