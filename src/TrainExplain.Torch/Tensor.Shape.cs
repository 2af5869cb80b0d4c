using TrainExplain.Torch.Native;

namespace TrainExplain.Torch;

// Shape, indexing, copying and device/dtype conversion.
public sealed partial class Tensor
{
    private unsafe Tensor ShapeOp(int op, ReadOnlySpan<long> values)
    {
        nint result;
        fixed (long* v = values)
        {
            NativeError.Check(NativeMethods.te_shape_op(op, Handle, v, values.Length, &result));
        }
        return new Tensor(result);
    }

    /// <summary>Same data in a new shape (a view when possible); one size may be -1.</summary>
    public Tensor reshape(params ReadOnlySpan<long> shape) => ShapeOp(0, shape);
    /// <summary>A view in a new shape; fails when the memory layout does not allow it.</summary>
    public Tensor view(params ReadOnlySpan<long> shape) => ShapeOp(1, shape);
    /// <summary>Reorders the dimensions.</summary>
    public Tensor permute(params ReadOnlySpan<long> dims) => ShapeOp(2, dims);
    /// <summary>Broadcasts size-1 dimensions to the given sizes without copying (-1 keeps a size).</summary>
    public Tensor expand(params ReadOnlySpan<long> sizes) => ShapeOp(3, sizes);
    /// <summary>Tiles the tensor the given number of times along each dimension.</summary>
    public Tensor repeat(params ReadOnlySpan<long> repeats) => ShapeOp(4, repeats);
    /// <summary>Reverses the order of elements along the given dimensions.</summary>
    public Tensor flip(params ReadOnlySpan<long> dims) => ShapeOp(5, dims);

    /// <summary>Swaps two dimensions.</summary>
    public unsafe Tensor transpose(long dim0, long dim1)
    {
        nint result;
        NativeError.Check(NativeMethods.te_transpose(Handle, dim0, dim1, &result));
        return new Tensor(result);
    }

    /// <summary>Merges dimensions <paramref name="startDim"/>..<paramref name="endDim"/> into one.</summary>
    public unsafe Tensor flatten(long startDim = 0, long endDim = -1)
    {
        nint result;
        NativeError.Check(NativeMethods.te_flatten(Handle, startDim, endDim, &result));
        return new Tensor(result);
    }

    /// <summary>Removes size-1 dimensions (all of them, or only <paramref name="dim"/>).</summary>
    public unsafe Tensor squeeze(long? dim = null)
    {
        nint result;
        NativeError.Check(NativeMethods.te_squeeze(Handle, dim ?? 0, dim.HasValue ? 1 : 0, &result));
        return new Tensor(result);
    }

    /// <summary>Inserts a size-1 dimension at <paramref name="dim"/>.</summary>
    public unsafe Tensor unsqueeze(long dim)
    {
        nint result;
        NativeError.Check(NativeMethods.te_unsqueeze(Handle, dim, &result));
        return new Tensor(result);
    }

    /// <summary>Repeats each element <paramref name="repeats"/> times (along <paramref name="dim"/>, or flattened).</summary>
    public unsafe Tensor repeat_interleave(long repeats, long? dim = null)
    {
        nint result;
        NativeError.Check(NativeMethods.te_repeat_interleave(Handle, repeats, dim ?? 0, dim.HasValue ? 1 : 0, &result));
        return new Tensor(result);
    }

    /// <summary>The slice [start, start + length) of dimension <paramref name="dim"/> (a view).</summary>
    public unsafe Tensor narrow(long dim, long start, long length)
    {
        nint result;
        NativeError.Check(NativeMethods.te_narrow(Handle, dim, start, length, &result));
        return new Tensor(result);
    }

    /// <summary>Index <paramref name="index"/> of dimension <paramref name="dim"/>, removing that dimension (a view).</summary>
    public unsafe Tensor select(long dim, long index)
    {
        nint result;
        NativeError.Check(NativeMethods.te_select(Handle, dim, index, &result));
        return new Tensor(result);
    }

    /// <summary>Element <paramref name="index"/> of the first dimension.</summary>
    public Tensor this[long index] => select(0, index);

    /// <summary>The entries at <paramref name="index"/> (int64) along <paramref name="dim"/>.</summary>
    public unsafe Tensor index_select(long dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        nint result;
        NativeError.Check(NativeMethods.te_index_select(Handle, dim, index.Handle, &result));
        return new Tensor(result);
    }

    /// <summary>out[i][j] = x[i][index[i][j]] for dim 1 (and likewise for other dims).</summary>
    public unsafe Tensor gather(long dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        nint result;
        NativeError.Check(NativeMethods.te_gather(Handle, dim, index.Handle, &result));
        return new Tensor(result);
    }

    /// <summary>Rolls elements along <paramref name="dims"/> by <paramref name="shifts"/>, wrapping around.</summary>
    public unsafe Tensor roll(ReadOnlySpan<long> shifts, ReadOnlySpan<long> dims)
    {
        if (shifts.Length != dims.Length)
        {
            throw new ArgumentException($"roll needs one shift per dim, got {shifts.Length} shifts and {dims.Length} dims.");
        }
        nint result;
        fixed (long* s = shifts, d = dims)
        {
            NativeError.Check(NativeMethods.te_roll(Handle, s, d, shifts.Length, &result));
        }
        return new Tensor(result);
    }

    /// <summary>A contiguous tensor with the same values (this one when it already is).</summary>
    public Tensor contiguous() => CopyOp(0);
    /// <summary>A copy that autograd tracks.</summary>
    public Tensor clone() => CopyOp(1);
    /// <summary>The same data, cut off from the autograd graph.</summary>
    public Tensor detach() => CopyOp(2);

    /// <summary>A new tensor object on the same data, tracked by autograd (for layers that pass their input through).</summary>
    public Tensor alias() => CopyOp(3);

    /// <summary>
    /// A second handle on this very tensor (same data, same autograd identity) with a lifetime of its own: what a hook
    /// keeps when the tensor it saw may be freed by a dispose scope inside the model's forward.
    /// </summary>
    public Tensor NewReference() => CopyOp(4);

    private unsafe Tensor CopyOp(int op)
    {
        nint result;
        NativeError.Check(NativeMethods.te_copy_op(op, Handle, &result));
        return new Tensor(result);
    }

    /// <summary>Converts to <paramref name="type"/> on <paramref name="target"/>.</summary>
    public unsafe Tensor to(ScalarType type, Device target)
    {
        nint result;
        NativeError.Check(NativeMethods.te_to(Handle, (int)type, (int)target.Type, target.Index, &result));
        return new Tensor(result);
    }

    /// <summary>Moves to <paramref name="target"/>, keeping the dtype.</summary>
    public Tensor to(Device target) => to(dtype, target);
    /// <summary>Converts to <paramref name="type"/>, keeping the device.</summary>
    public Tensor to(ScalarType type) => to(type, device);
    /// <summary>Moves to the CPU.</summary>
    public Tensor cpu() => to(Device.CPU);
    /// <summary>Converts to float32.</summary>
    public Tensor @float() => to(ScalarType.Float32);
    /// <summary>Converts to int64.</summary>
    public Tensor @long() => to(ScalarType.Int64);
}
