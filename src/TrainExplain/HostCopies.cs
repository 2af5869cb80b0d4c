namespace TrainExplain;

/// <summary>
/// The one place where device tensors become host arrays: detach, convert, move to the CPU, copy once. Each copy runs in
/// its own dispose scope, so its intermediate tensors are freed even where the caller opened no scope.
/// </summary>
internal static class HostCopies
{
    /// <summary>The values of <paramref name="tensor"/> as float32, in row-major order.</summary>
    internal static float[] ToFloats(this Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        return tensor.detach().to(ScalarType.Float32, torch.CPU).contiguous().data<float>().ToArray();
    }

    /// <summary>The values of <paramref name="tensor"/> as int64, in row-major order.</summary>
    internal static long[] ToLongs(this Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        return tensor.detach().to(ScalarType.Int64, torch.CPU).contiguous().data<long>().ToArray();
    }

    /// <summary>The values of <paramref name="tensor"/> as bools (non-zero is true), in row-major order.</summary>
    internal static bool[] ToBools(this Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        return tensor.detach().to(ScalarType.Bool, torch.CPU).contiguous().data<bool>().ToArray();
    }

    /// <summary>How many of <paramref name="tensor"/>'s values are NaN or infinite (one read from the device).</summary>
    internal static long CountNotFinite(this Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        return tensor.isfinite().logical_not().sum().item<long>();
    }

    /// <summary>Whether two devices are the same one: TorchSharp's <see cref="Device"/> has no value equality.</summary>
    internal static bool IsSameAs(this Device device, Device other) => device.type == other.type && device.index == other.index;

    /// <summary>"[2, 3, 4]": a tensor's shape as users write it.</summary>
    internal static string ShapeText(this Tensor tensor) => FormatShape(tensor.shape);

    /// <summary>"[2, 3, 4]": a shape as users write it.</summary>
    internal static string FormatShape(IReadOnlyList<long> shape) => $"[{string.Join(", ", shape)}]";
}
