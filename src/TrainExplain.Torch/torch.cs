using TrainExplain.Torch.Native;

namespace TrainExplain.Torch;

/// <summary>
/// The entry point, named as in PyTorch and TorchSharp: factories (<c>torch.zeros</c>, <c>torch.tensor</c>), joins,
/// RNG, threads, dispose scopes and grad mode; <see cref="nn"/>, <c>optim</c>, <see cref="autograd"/> and
/// <see cref="cuda"/> hold the rest.
/// </summary>
public static partial class torch
{
    static torch() => NativeLoader.ConfigureThreads();

    private static unsafe Tensor Factory(int kind, ReadOnlySpan<long> size, double value, ScalarType dtype, Device? device)
    {
        CheckSizes(size);
        var d = device ?? Device.CPU;
        nint result;
        fixed (long* s = size)
        {
            NativeError.Check(NativeMethods.te_factory(kind, s, size.Length, value, (int)dtype, (int)d.Type, d.Index, &result));
        }
        return new Tensor(result);
    }

    private static void CheckSizes(ReadOnlySpan<long> size)
    {
        foreach (var s in size)
        {
            if (s < 0)
            {
                throw new ArgumentException($"Tensor sizes must be non-negative, got [{string.Join(", ", size.ToArray())}].", nameof(size));
            }
        }
    }

    /// <summary>An uninitialized tensor.</summary>
    public static Tensor empty(ReadOnlySpan<long> size, ScalarType dtype = ScalarType.Float32, Device? device = null) => Factory(0, size, 0, dtype, device);
    /// <summary>A tensor of zeros.</summary>
    public static Tensor zeros(ReadOnlySpan<long> size, ScalarType dtype = ScalarType.Float32, Device? device = null) => Factory(1, size, 0, dtype, device);
    /// <summary>A tensor of ones.</summary>
    public static Tensor ones(ReadOnlySpan<long> size, ScalarType dtype = ScalarType.Float32, Device? device = null) => Factory(2, size, 0, dtype, device);
    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor full(ReadOnlySpan<long> size, double value, ScalarType dtype = ScalarType.Float32, Device? device = null) => Factory(3, size, value, dtype, device);
    /// <summary>Uniform samples from [0, 1).</summary>
    public static Tensor rand(ReadOnlySpan<long> size, ScalarType dtype = ScalarType.Float32, Device? device = null) => Factory(4, size, 0, dtype, device);
    /// <summary>Standard normal samples.</summary>
    public static Tensor randn(ReadOnlySpan<long> size, ScalarType dtype = ScalarType.Float32, Device? device = null) => Factory(5, size, 0, dtype, device);

    /// <summary>Uniform integers from [low, high).</summary>
    public static unsafe Tensor randint(long low, long high, ReadOnlySpan<long> size, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        if (high <= low)
        {
            throw new ArgumentException($"randint needs low < high, got [{low}, {high}).", nameof(high));
        }
        CheckSizes(size);
        var d = device ?? Device.CPU;
        nint result;
        fixed (long* s = size)
        {
            NativeError.Check(NativeMethods.te_randint(low, high, s, size.Length, (int)dtype, (int)d.Type, d.Index, &result));
        }
        return new Tensor(result);
    }

    private static unsafe Tensor Like(int kind, Tensor tensor, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        nint result;
        NativeError.Check(NativeMethods.te_factory_like(kind, tensor.Handle, value, &result));
        return new Tensor(result);
    }

    /// <summary>An uninitialized tensor shaped like <paramref name="tensor"/>.</summary>
    public static Tensor empty_like(Tensor tensor) => Like(0, tensor, 0);
    /// <summary>Zeros shaped like <paramref name="tensor"/>.</summary>
    public static Tensor zeros_like(Tensor tensor) => Like(1, tensor, 0);
    /// <summary>Ones shaped like <paramref name="tensor"/>.</summary>
    public static Tensor ones_like(Tensor tensor) => Like(2, tensor, 0);
    /// <summary>A constant shaped like <paramref name="tensor"/>.</summary>
    public static Tensor full_like(Tensor tensor, double value) => Like(3, tensor, value);
    /// <summary>Uniform samples shaped like <paramref name="tensor"/>.</summary>
    public static Tensor rand_like(Tensor tensor) => Like(4, tensor, 0);
    /// <summary>Normal samples shaped like <paramref name="tensor"/>.</summary>
    public static Tensor randn_like(Tensor tensor) => Like(5, tensor, 0);

    /// <summary>
    /// Values from <paramref name="start"/> up to, not including, <paramref name="end"/>; without <paramref name="dtype"/>,
    /// int64 when all three bounds are whole numbers and float32 otherwise, as PyTorch infers it.
    /// </summary>
    public static unsafe Tensor arange(double start, double end, double step = 1, ScalarType? dtype = null, Device? device = null)
    {
        if (step == 0 || double.IsNaN(step))
        {
            throw new ArgumentException("arange needs a non-zero step.", nameof(step));
        }
        // A fixed int64 default truncated a fractional step to 0 ("step must be nonzero") or to a coarser one.
        var type = dtype ?? (double.IsInteger(start) && double.IsInteger(end) && double.IsInteger(step) ? ScalarType.Int64 : ScalarType.Float32);
        var d = device ?? Device.CPU;
        nint result;
        NativeError.Check(NativeMethods.te_arange(start, end, step, (int)type, (int)d.Type, d.Index, &result));
        return new Tensor(result);
    }

    /// <summary>Values 0 .. end-1.</summary>
    public static Tensor arange(long end, ScalarType dtype = ScalarType.Int64, Device? device = null) => arange(0, end, 1, dtype, device);

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive.</summary>
    public static unsafe Tensor linspace(double start, double end, long steps, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var d = device ?? Device.CPU;
        nint result;
        NativeError.Check(NativeMethods.te_linspace(start, end, steps, (int)dtype, (int)d.Type, d.Index, &result));
        return new Tensor(result);
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/> in the given shape (default: one dimension).</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly <c>data.Length</c> elements.</exception>
    public static unsafe Tensor tensor<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape = default, Device? device = null) where T : unmanaged
    {
        ReadOnlySpan<long> size = shape.IsEmpty && data.Length != 1 ? [data.Length] : shape;
        CheckSizes(size);
        long count = 1;
        foreach (var s in size)
        {
            count *= s;
        }
        if (count != data.Length)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", size.ToArray())}] holds {count} elements but {data.Length} values were given.", nameof(shape));
        }
        var d = device ?? Device.CPU;
        nint result;
        fixed (T* p = data)
        fixed (long* s = size)
        {
            NativeError.Check(NativeMethods.te_from_host(p, (long)data.Length * sizeof(T), s, size.Length, (int)ScalarTypes.Of<T>(), (int)d.Type, d.Index, &result));
        }
        return new Tensor(result);
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor tensor<T>(T[] data, ReadOnlySpan<long> shape = default, Device? device = null) where T : unmanaged =>
        tensor((ReadOnlySpan<T>)data, shape, device);

    /// <summary>A 0-dimensional tensor.</summary>
    public static Tensor scalar_tensor(float value, Device? device = null) => tensor([value], [], device);

    private static unsafe Tensor Join(int kind, IReadOnlyList<Tensor> tensors, long dim)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("Expected at least one tensor to join.", nameof(tensors));
        }
        var handles = tensors.Count <= 64 ? stackalloc nint[tensors.Count] : new nint[tensors.Count];
        for (var i = 0; i < tensors.Count; i++)
        {
            handles[i] = tensors[i].Handle;
        }
        nint result;
        fixed (nint* h = handles)
        {
            NativeError.Check(NativeMethods.te_join(kind, h, handles.Length, dim, &result));
        }
        return new Tensor(result);
    }

    /// <summary>Concatenates along an existing dimension.</summary>
    public static Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(0, tensors, dim);
    /// <summary>Stacks along a new dimension.</summary>
    public static Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(1, tensors, dim);

    /// <summary>Elements of <paramref name="x"/> where <paramref name="condition"/> holds, else of <paramref name="y"/>.</summary>
    public static unsafe Tensor where(Tensor condition, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        nint result;
        NativeError.Check(NativeMethods.te_where(condition.Handle, x.Handle, y.Handle, &result));
        return new Tensor(result);
    }

    /// <summary>One-hot encoding of int64 class indices: shape [..., classes], int64.</summary>
    public static unsafe Tensor one_hot(Tensor indices, long classes)
    {
        ArgumentNullException.ThrowIfNull(indices);
        nint result;
        NativeError.Check(NativeMethods.te_one_hot(indices.Handle, classes, &result));
        return new Tensor(result);
    }

    /// <summary>Seeds every generator (CPU and CUDA).</summary>
    public static void manual_seed(long seed) => NativeError.Check(NativeMethods.te_manual_seed(unchecked((ulong)seed)));

    /// <summary>Sets libtorch's intra-op thread count.</summary>
    public static void set_num_threads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        NativeError.Check(NativeMethods.te_set_num_threads(threads));
    }

    /// <summary>libtorch's intra-op thread count.</summary>
    public static int get_num_threads() => NativeMethods.te_get_num_threads();

    /// <summary>How many native tensors are alive in this process: the leak check of the tests.</summary>
    public static long live_tensor_count() => NativeMethods.te_live_tensors();

    /// <summary>The libtorch version the shim was built against, e.g. (1, 13).</summary>
    public static unsafe (int Major, int Minor) libtorch_version()
    {
        int major, minor;
        NativeError.Check(NativeMethods.te_torch_version(&major, &minor));
        return (major, minor);
    }

    /// <summary>Opens a dispose scope on this thread; see <see cref="DisposeScope"/>.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Disables gradient recording on this thread until the returned scope is disposed.</summary>
    public static GradModeScope no_grad() => new(enabled: false);

    /// <summary>Enables gradient recording on this thread until the returned scope is disposed.</summary>
    public static GradModeScope enable_grad() => new(enabled: true);

    /// <summary>Whether gradient recording is on for this thread.</summary>
    public static bool is_grad_enabled() => NativeMethods.te_is_grad_enabled() != 0;
}
