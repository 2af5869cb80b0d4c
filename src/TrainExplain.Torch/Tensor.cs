using System.Numerics;
using TrainExplain.Torch.Native;

namespace TrainExplain.Torch;

/// <summary>
/// A libtorch tensor. It owns its native handle (released by <see cref="Dispose"/>, by the dispose scope it was created
/// in, or at the latest by the finalizer), caches its shape, dtype and device in managed memory, and turns any use after
/// disposal into an <see cref="ObjectDisposedException"/>. Operations are named as in PyTorch and TorchSharp.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private const int MaxRank = 32;

    private readonly TensorHandle handle;
    private long[]? shapeCache;
    private ScalarType dtypeCache;
    private Device deviceCache;
    private bool infoCached;

    internal Tensor(nint nativeHandle)
    {
        handle = new TensorHandle(nativeHandle);
        DisposeScope.Current?.Add(this);
    }

    /// <summary>The dispose scope that will free this tensor, if any.</summary>
    internal DisposeScope? Scope { get; set; }

    /// <summary>The native handle, checked to be alive.</summary>
    internal nint Handle
    {
        get
        {
            if (handle.IsClosed)
            {
                throw new ObjectDisposedException(nameof(Tensor),
                    "This tensor was disposed (directly or by its dispose scope) and can no longer be used.");
            }
            return handle.DangerousGetHandle();
        }
    }

    /// <summary>True once the native tensor has been released.</summary>
    public bool IsDisposed => handle.IsClosed;

    /// <summary>Wraps a handle returned by the shim; a null handle (an undefined tensor) becomes null.</summary>
    internal static Tensor? WrapOrNull(nint nativeHandle) => nativeHandle == 0 ? null : new Tensor(nativeHandle);

    internal static nint HandleOf(Tensor? tensor) => tensor?.Handle ?? 0;

    /// <summary>The sizes of the dimensions (a copy; see <see cref="size(int)"/> and <see cref="ndim"/> for no allocation).</summary>
    public long[] shape => (long[])Shape.Clone();

    /// <summary>The sizes of the dimensions, without a copy (read once from libtorch and cached).</summary>
    public ReadOnlySpan<long> Sizes => Shape;

    /// <summary>The cached sizes, read once from libtorch.</summary>
    internal unsafe long[] Shape
    {
        get
        {
            if (shapeCache is null)
            {
                var sizes = stackalloc long[MaxRank];
                int rank;
                NativeError.Check(NativeMethods.te_shape(Handle, sizes, MaxRank, &rank));
                shapeCache = new ReadOnlySpan<long>(sizes, rank).ToArray();
            }
            return shapeCache;
        }
    }

    /// <summary>The number of dimensions.</summary>
    public int ndim => Shape.Length;

    /// <summary>The number of dimensions.</summary>
    public int dim() => Shape.Length;

    /// <summary>The size of dimension <paramref name="dim"/>; negative values count from the end.</summary>
    public long size(int dim)
    {
        var sizes = Shape;
        var d = dim < 0 ? dim + sizes.Length : dim;
        if (d < 0 || d >= sizes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"Dimension out of range for a tensor of rank {sizes.Length}.");
        }
        return sizes[d];
    }

    /// <summary>The number of elements.</summary>
    public long numel()
    {
        long count = 1;
        foreach (var s in Shape)
        {
            count *= s;
        }
        return count;
    }

    /// <summary>The element type.</summary>
    public ScalarType dtype
    {
        get
        {
            CacheInfo();
            return dtypeCache;
        }
    }

    /// <summary>The device the tensor lives on.</summary>
    public Device device
    {
        get
        {
            CacheInfo();
            return deviceCache;
        }
    }

    private unsafe void CacheInfo()
    {
        if (infoCached)
        {
            return;
        }
        int type, deviceType, deviceIndex;
        NativeError.Check(NativeMethods.te_info(Handle, &type, &deviceType, &deviceIndex));
        dtypeCache = (ScalarType)type;
        deviceCache = new Device((DeviceType)deviceType, deviceIndex);
        infoCached = true;
    }

    /// <summary>Whether autograd records operations on this tensor.</summary>
    public unsafe bool requires_grad
    {
        get
        {
            int value;
            NativeError.Check(NativeMethods.te_requires_grad(Handle, &value));
            return value != 0;
        }
        set => NativeError.Check(NativeMethods.te_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Sets <see cref="requires_grad"/> in place and returns this tensor.</summary>
    public Tensor requires_grad_(bool requiresGrad = true)
    {
        requires_grad = requiresGrad;
        return this;
    }

    /// <summary>Whether this tensor is a leaf of the autograd graph.</summary>
    public unsafe bool is_leaf
    {
        get
        {
            int value;
            NativeError.Check(NativeMethods.te_is_leaf(Handle, &value));
            return value != 0;
        }
    }

    /// <summary>The accumulated gradient (a new handle on it), or null; assigning null clears it.</summary>
    public unsafe Tensor? grad
    {
        get
        {
            nint result;
            NativeError.Check(NativeMethods.te_grad(Handle, &result));
            return WrapOrNull(result);
        }
        set => NativeError.Check(NativeMethods.te_set_grad(Handle, HandleOf(value)));
    }

    /// <summary>
    /// Replaces this tensor's data (shape, dtype and device may change) while every reference to it stays valid, as
    /// PyTorch's <c>param.data = other</c>; autograd does not record it. Used by <c>Module.to</c>.
    /// </summary>
    public void set_data(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        NativeError.Check(NativeMethods.te_set_data(Handle, data.Handle));
        shapeCache = null;
        infoCached = false;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public unsafe T item<T>() where T : unmanaged, INumberBase<T>
    {
        if (numel() != 1)
        {
            throw new InvalidOperationException($"item() needs a tensor with one element, this one has shape [{string.Join(", ", Shape)}].");
        }
        if (!dtype.IsFloatingPoint())
        {
            // Integers go through int64, not double, which would round values beyond 2^53.
            long integral;
            NativeError.Check(NativeMethods.te_item_int64(Handle, &integral));
            return T.CreateChecked(integral);
        }
        double value;
        NativeError.Check(NativeMethods.te_item(Handle, &value));
        return T.CreateChecked(value);
    }

    /// <summary>Copies the elements, in row-major order, into a new array; <typeparamref name="T"/> must match <see cref="dtype"/>.</summary>
    public T[] data<T>() where T : unmanaged
    {
        var result = new T[checked((int)numel())];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>Copies the elements, in row-major order, into <paramref name="destination"/> (exactly numel() long).</summary>
    public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        ScalarTypes.CheckElementType<T>(dtype, "CopyTo");
        if (destination.Length != numel())
        {
            throw new ArgumentException($"The destination holds {destination.Length} elements but the tensor has {numel()}.", nameof(destination));
        }
        fixed (T* pointer = destination)
        {
            NativeError.Check(NativeMethods.te_copy_to_host(Handle, pointer, (long)destination.Length * sizeof(T)));
        }
    }

    /// <summary>Removes this tensor from its dispose scope and hands it to the scope outside it (or to none).</summary>
    public Tensor MoveToOuterDisposeScope()
    {
        var outer = Scope?.Outer;
        Scope?.Remove(this);
        outer?.Add(this);
        return this;
    }

    /// <summary>Removes this tensor from every dispose scope: the caller disposes it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope?.Remove(this);
        return this;
    }

    /// <summary>Releases the native tensor now; later uses throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        Scope?.Remove(this);
        handle.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor([{string.Join(", ", Shape)}], {dtype}, {device})";
}
