using TrainExplain.Torch.Native;

namespace TrainExplain.Torch;

// Elementwise arithmetic, comparisons, reductions and in-place updates.
public sealed partial class Tensor
{
    private unsafe Tensor Unary(UnaryOp op)
    {
        nint result;
        NativeError.Check(NativeMethods.te_unary((int)op, Handle, &result));
        return new Tensor(result);
    }

    private Tensor UnaryInPlace(UnaryOp op)
    {
        NativeError.Check(NativeMethods.te_unary_((int)op, Handle));
        return this;
    }

    internal unsafe Tensor Binary(BinaryOp op, Tensor other, double alpha = 1)
    {
        ArgumentNullException.ThrowIfNull(other);
        nint result;
        NativeError.Check(NativeMethods.te_binary((int)op, Handle, other.Handle, alpha, &result));
        return new Tensor(result);
    }

    internal unsafe Tensor Binary(BinaryOp op, double value, bool integral)
    {
        nint result;
        NativeError.Check(NativeMethods.te_binary_scalar((int)op, Handle, value, integral ? 1 : 0, &result));
        return new Tensor(result);
    }

    private static unsafe Tensor ScalarFirst(BinaryOp op, double value, bool integral, Tensor tensor)
    {
        nint result;
        NativeError.Check(NativeMethods.te_scalar_binary((int)op, value, integral ? 1 : 0, tensor.Handle, &result));
        return new Tensor(result);
    }

    private Tensor BinaryInPlace(BinaryOp op, Tensor other, double alpha = 1)
    {
        ArgumentNullException.ThrowIfNull(other);
        NativeError.Check(NativeMethods.te_binary_((int)op, Handle, other.Handle, alpha));
        return this;
    }

    private Tensor BinaryInPlace(BinaryOp op, double value)
    {
        NativeError.Check(NativeMethods.te_binary_scalar_((int)op, Handle, value, 0));
        return this;
    }

    /// <summary>|x|.</summary>
    public Tensor abs() => Unary(UnaryOp.Abs);
    /// <summary>-x.</summary>
    public Tensor neg() => Unary(UnaryOp.Neg);
    /// <summary>e^x.</summary>
    public Tensor exp() => Unary(UnaryOp.Exp);
    /// <summary>Natural logarithm.</summary>
    public Tensor log() => Unary(UnaryOp.Log);
    /// <summary>Square root.</summary>
    public Tensor sqrt() => Unary(UnaryOp.Sqrt);
    /// <summary>1 / sqrt(x).</summary>
    public Tensor rsqrt() => Unary(UnaryOp.Rsqrt);
    /// <summary>max(x, 0).</summary>
    public Tensor relu() => Unary(UnaryOp.Relu);
    /// <summary>1 / (1 + e^-x).</summary>
    public Tensor sigmoid() => Unary(UnaryOp.Sigmoid);
    /// <summary>Hyperbolic tangent.</summary>
    public Tensor tanh() => Unary(UnaryOp.Tanh);
    /// <summary>-1, 0 or 1.</summary>
    public Tensor sign() => Unary(UnaryOp.Sign);
    /// <summary>x * x.</summary>
    public Tensor square() => Unary(UnaryOp.Square);
    /// <summary>Rounds down.</summary>
    public Tensor floor() => Unary(UnaryOp.Floor);
    /// <summary>Rounds up.</summary>
    public Tensor ceil() => Unary(UnaryOp.Ceil);
    /// <summary>Rounds half to even.</summary>
    public Tensor round() => Unary(UnaryOp.Round);
    /// <summary>1 / x.</summary>
    public Tensor reciprocal() => Unary(UnaryOp.Reciprocal);
    /// <summary>Sine.</summary>
    public Tensor sin() => Unary(UnaryOp.Sin);
    /// <summary>Cosine.</summary>
    public Tensor cos() => Unary(UnaryOp.Cos);
    /// <summary>True where x is NaN.</summary>
    public Tensor isnan() => Unary(UnaryOp.IsNan);
    /// <summary>True where x is neither infinite nor NaN.</summary>
    public Tensor isfinite() => Unary(UnaryOp.IsFinite);
    /// <summary>Logical not.</summary>
    public Tensor logical_not() => Unary(UnaryOp.LogicalNot);

    /// <summary>x + alpha * other.</summary>
    public Tensor add(Tensor other, double alpha = 1) => Binary(BinaryOp.Add, other, alpha);
    /// <summary>x - alpha * other.</summary>
    public Tensor sub(Tensor other, double alpha = 1) => Binary(BinaryOp.Sub, other, alpha);
    /// <summary>x * other.</summary>
    public Tensor mul(Tensor other) => Binary(BinaryOp.Mul, other);
    /// <summary>x / other (true division).</summary>
    public Tensor div(Tensor other) => Binary(BinaryOp.Div, other);
    /// <summary>x ^ exponent.</summary>
    public Tensor pow(Tensor exponent) => Binary(BinaryOp.Pow, exponent);
    /// <summary>x ^ exponent.</summary>
    public Tensor pow(double exponent) => Binary(BinaryOp.Pow, exponent, integral: false);
    /// <summary>Elementwise maximum.</summary>
    public Tensor maximum(Tensor other) => Binary(BinaryOp.Maximum, other);
    /// <summary>Elementwise minimum.</summary>
    public Tensor minimum(Tensor other) => Binary(BinaryOp.Minimum, other);
    /// <summary>Elementwise x == other.</summary>
    public Tensor eq(Tensor other) => Binary(BinaryOp.Eq, other);
    /// <summary>Elementwise x == value.</summary>
    public Tensor eq(double value) => Binary(BinaryOp.Eq, value, integral: false);
    /// <summary>Elementwise x != other.</summary>
    public Tensor ne(Tensor other) => Binary(BinaryOp.Ne, other);
    /// <summary>Elementwise x != value.</summary>
    public Tensor ne(double value) => Binary(BinaryOp.Ne, value, integral: false);
    /// <summary>Elementwise logical and.</summary>
    public Tensor logical_and(Tensor other) => Binary(BinaryOp.LogicalAnd, other);
    /// <summary>Elementwise logical or.</summary>
    public Tensor logical_or(Tensor other) => Binary(BinaryOp.LogicalOr, other);
    /// <summary>Python-style remainder.</summary>
    public Tensor remainder(double divisor) => Binary(BinaryOp.Remainder, divisor, integral: false);

    /// <summary>Matrix product with broadcasting, as torch.matmul.</summary>
    public unsafe Tensor matmul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        nint result;
        NativeError.Check(NativeMethods.te_matmul(Handle, other.Handle, &result));
        return new Tensor(result);
    }

    /// <summary>Clamps to [min, max]; a null bound is open.</summary>
    public unsafe Tensor clamp(double? min = null, double? max = null)
    {
        nint result;
        NativeError.Check(NativeMethods.te_clamp(Handle, min ?? 0, min.HasValue ? 1 : 0, max ?? 0, max.HasValue ? 1 : 0, 0, &result));
        return new Tensor(result);
    }

    /// <summary>Clamps in place.</summary>
    public unsafe Tensor clamp_(double? min = null, double? max = null)
    {
        NativeError.Check(NativeMethods.te_clamp(Handle, min ?? 0, min.HasValue ? 1 : 0, max ?? 0, max.HasValue ? 1 : 0, 1, null));
        return this;
    }

    /// <summary>Copy of x with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public unsafe Tensor masked_fill(Tensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        nint result;
        NativeError.Check(NativeMethods.te_masked_fill(Handle, mask.Handle, value, &result));
        return new Tensor(result);
    }

    /// <summary>In-place x += alpha * other.</summary>
    public Tensor add_(Tensor other, double alpha = 1) => BinaryInPlace(BinaryOp.Add, other, alpha);
    /// <summary>In-place x += value.</summary>
    public Tensor add_(double value) => BinaryInPlace(BinaryOp.Add, value);
    /// <summary>In-place x -= alpha * other.</summary>
    public Tensor sub_(Tensor other, double alpha = 1) => BinaryInPlace(BinaryOp.Sub, other, alpha);
    /// <summary>In-place x *= other.</summary>
    public Tensor mul_(Tensor other) => BinaryInPlace(BinaryOp.Mul, other);
    /// <summary>In-place x *= value.</summary>
    public Tensor mul_(double value) => BinaryInPlace(BinaryOp.Mul, value);
    /// <summary>In-place x /= other.</summary>
    public Tensor div_(Tensor other) => BinaryInPlace(BinaryOp.Div, other);
    /// <summary>In-place x /= value.</summary>
    public Tensor div_(double value) => BinaryInPlace(BinaryOp.Div, value);
    /// <summary>In-place elementwise maximum.</summary>
    public Tensor maximum_(Tensor other) => BinaryInPlace(BinaryOp.Maximum, other);
    /// <summary>Copies <paramref name="source"/> into this tensor (broadcast, converted), in place.</summary>
    public Tensor copy_(Tensor source) => BinaryInPlace(BinaryOp.CopyOrFill, source);
    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public Tensor fill_(double value) => BinaryInPlace(BinaryOp.CopyOrFill, value);
    /// <summary>Sets every element to zero.</summary>
    public Tensor zero_() => UnaryInPlace(UnaryOp.Zero);
    /// <summary>In-place square root.</summary>
    public Tensor sqrt_() => UnaryInPlace(UnaryOp.Sqrt);
    /// <summary>In-place max(x, 0).</summary>
    public Tensor relu_() => UnaryInPlace(UnaryOp.Relu);
    /// <summary>In-place x += value * t1 * t2.</summary>
    public Tensor addcmul_(Tensor tensor1, Tensor tensor2, double value = 1) => AddC(0, tensor1, tensor2, value);
    /// <summary>In-place x += value * t1 / t2.</summary>
    public Tensor addcdiv_(Tensor tensor1, Tensor tensor2, double value = 1) => AddC(1, tensor1, tensor2, value);

    private Tensor AddC(int kind, Tensor tensor1, Tensor tensor2, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor1);
        ArgumentNullException.ThrowIfNull(tensor2);
        NativeError.Check(NativeMethods.te_addc_(kind, Handle, tensor1.Handle, tensor2.Handle, value));
        return this;
    }

    private unsafe Tensor Reduce(ReduceOp op, ReadOnlySpan<long> dims, bool keepdim, bool all, long correction = 1)
    {
        nint result;
        fixed (long* d = dims)
        {
            NativeError.Check(NativeMethods.te_reduce((int)op, Handle, d, all ? -1 : dims.Length, keepdim ? 1 : 0, correction, &result));
        }
        return new Tensor(result);
    }

    /// <summary>Sum of all elements.</summary>
    public Tensor sum() => Reduce(ReduceOp.Sum, default, false, all: true);
    /// <summary>Sum over <paramref name="dims"/>.</summary>
    public Tensor sum(ReadOnlySpan<long> dims, bool keepdim = false) => Reduce(ReduceOp.Sum, dims, keepdim, all: false);
    /// <summary>Sum over one dim.</summary>
    public Tensor sum(long dim, bool keepdim = false) => sum([dim], keepdim);
    /// <summary>Mean of all elements.</summary>
    public Tensor mean() => Reduce(ReduceOp.Mean, default, false, all: true);
    /// <summary>Mean over <paramref name="dims"/>.</summary>
    public Tensor mean(ReadOnlySpan<long> dims, bool keepdim = false) => Reduce(ReduceOp.Mean, dims, keepdim, all: false);
    /// <summary>Mean over one dim.</summary>
    public Tensor mean(long dim, bool keepdim = false) => mean([dim], keepdim);
    /// <summary>Largest element.</summary>
    public Tensor amax() => Reduce(ReduceOp.Amax, default, false, all: true);
    /// <summary>Largest values over <paramref name="dims"/>.</summary>
    public Tensor amax(ReadOnlySpan<long> dims, bool keepdim = false) => Reduce(ReduceOp.Amax, dims, keepdim, all: false);
    /// <summary>Smallest element.</summary>
    public Tensor amin() => Reduce(ReduceOp.Amin, default, false, all: true);
    /// <summary>Smallest values over <paramref name="dims"/>.</summary>
    public Tensor amin(ReadOnlySpan<long> dims, bool keepdim = false) => Reduce(ReduceOp.Amin, dims, keepdim, all: false);
    /// <summary>Standard deviation of all elements (Bessel-corrected when <paramref name="unbiased"/>).</summary>
    public Tensor std(bool unbiased = true) => Reduce(ReduceOp.Std, default, false, all: true, unbiased ? 1 : 0);
    /// <summary>Standard deviation over <paramref name="dims"/>.</summary>
    public Tensor std(ReadOnlySpan<long> dims, bool unbiased = true, bool keepdim = false) => Reduce(ReduceOp.Std, dims, keepdim, false, unbiased ? 1 : 0);
    /// <summary>Variance of all elements.</summary>
    public Tensor var(bool unbiased = true) => Reduce(ReduceOp.Var, default, false, all: true, unbiased ? 1 : 0);
    /// <summary>Variance over <paramref name="dims"/>.</summary>
    public Tensor var(ReadOnlySpan<long> dims, bool unbiased = true, bool keepdim = false) => Reduce(ReduceOp.Var, dims, keepdim, false, unbiased ? 1 : 0);
    /// <summary>L2 norm of all elements.</summary>
    public Tensor norm() => Reduce(ReduceOp.Norm, default, false, all: true);
    /// <summary>L2 norm over <paramref name="dims"/>.</summary>
    public Tensor norm(ReadOnlySpan<long> dims, bool keepdim = false) => Reduce(ReduceOp.Norm, dims, keepdim, all: false);

    /// <summary>Largest values along <paramref name="dim"/> and their indices.</summary>
    public (Tensor values, Tensor indexes) max(long dim, bool keepdim = false) => Extremum(0, dim, keepdim);
    /// <summary>Smallest values along <paramref name="dim"/> and their indices.</summary>
    public (Tensor values, Tensor indexes) min(long dim, bool keepdim = false) => Extremum(1, dim, keepdim);
    /// <summary>Largest element.</summary>
    public Tensor max() => amax();
    /// <summary>Smallest element.</summary>
    public Tensor min() => amin();

    private unsafe (Tensor, Tensor) Extremum(int kind, long dim, bool keepdim)
    {
        nint values, indices;
        NativeError.Check(NativeMethods.te_extremum_dim(kind, Handle, dim, keepdim ? 1 : 0, &values, &indices));
        return (new Tensor(values), new Tensor(indices));
    }

    /// <summary>Index of the largest element, over all elements or along <paramref name="dim"/>.</summary>
    public Tensor argmax(long? dim = null, bool keepdim = false) => ArgExtremum(0, dim, keepdim);
    /// <summary>Index of the smallest element, over all elements or along <paramref name="dim"/>.</summary>
    public Tensor argmin(long? dim = null, bool keepdim = false) => ArgExtremum(1, dim, keepdim);

    private unsafe Tensor ArgExtremum(int kind, long? dim, bool keepdim)
    {
        nint result;
        NativeError.Check(NativeMethods.te_arg_extremum(kind, Handle, dim ?? 0, dim.HasValue ? 1 : 0, keepdim ? 1 : 0, &result));
        return new Tensor(result);
    }

    /// <summary>The q-th quantile (linear interpolation), over all elements or along <paramref name="dim"/>.</summary>
    public unsafe Tensor quantile(double q, long? dim = null, bool keepdim = false)
    {
        if (q is < 0 or > 1 || double.IsNaN(q))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile must lie in [0, 1].");
        }
        nint result;
        NativeError.Check(NativeMethods.te_quantile(Handle, q, dim ?? 0, dim.HasValue ? 1 : 0, keepdim ? 1 : 0, &result));
        return new Tensor(result);
    }
}
