using TrainExplain.Torch.Native;

namespace TrainExplain.Torch;

/// <summary>
/// A private, seeded CPU random stream, as <c>torch.Generator</c>. Sampling from it never touches the global RNG, so a
/// seeded explainer run between training steps changes neither the training's randomness nor its own results; samples
/// are drawn on the CPU and moved to the requested device, so every device sees the same numbers.
/// </summary>
public sealed class Generator : IDisposable
{
    private readonly GeneratorHandle handle;

    /// <summary>Creates a generator started at <paramref name="seed"/>.</summary>
    public unsafe Generator(long seed)
    {
        nint generator;
        NativeError.Check(NativeMethods.te_generator_new(unchecked((ulong)seed), &generator));
        handle = new GeneratorHandle(generator);
    }

    /// <summary>Uniform samples from [0, 1).</summary>
    public Tensor rand(ReadOnlySpan<long> size, ScalarType dtype = ScalarType.Float32, Device? device = null) => Sample(4, size, dtype, device);

    /// <summary>Standard normal samples.</summary>
    public Tensor randn(ReadOnlySpan<long> size, ScalarType dtype = ScalarType.Float32, Device? device = null) => Sample(5, size, dtype, device);

    private unsafe Tensor Sample(int kind, ReadOnlySpan<long> size, ScalarType dtype, Device? device)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        nint result;
        fixed (long* s = size)
        {
            NativeError.Check(NativeMethods.te_generator_sample(handle.DangerousGetHandle(), kind, s, size.Length, (int)dtype, &result));
        }
        var onCpu = new Tensor(result);
        if (device is not { } target || target == Device.CPU)
        {
            return onCpu;
        }
        using (onCpu)
        {
            return onCpu.to(target);
        }
    }

    /// <summary>Releases the native generator.</summary>
    public void Dispose() => handle.Dispose();
}
