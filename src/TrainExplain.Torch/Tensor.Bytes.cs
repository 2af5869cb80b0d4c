using TrainExplain.Torch.Native;

namespace TrainExplain.Torch;

// Raw little-endian element bytes, for file formats.
public sealed partial class Tensor
{
    /// <summary>The elements as raw bytes in row-major order (copied to the host).</summary>
    internal unsafe byte[] ToBytes()
    {
        var bytes = new byte[checked(numel() * dtype.ElementSize())];
        fixed (byte* pointer = bytes)
        {
            NativeError.Check(NativeMethods.te_copy_to_host(Handle, pointer, bytes.Length));
        }
        return bytes;
    }

    /// <summary>A tensor of <paramref name="type"/> and <paramref name="shape"/> holding a copy of <paramref name="bytes"/>.</summary>
    internal static unsafe Tensor FromBytes(ReadOnlySpan<byte> bytes, ScalarType type, ReadOnlySpan<long> shape, Device device)
    {
        nint result;
        fixed (byte* pointer = bytes)
        fixed (long* sizes = shape)
        {
            NativeError.Check(NativeMethods.te_from_host(pointer, bytes.Length, sizes, shape.Length, (int)type, (int)device.Type, device.Index, &result));
        }
        return new Tensor(result);
    }
}
