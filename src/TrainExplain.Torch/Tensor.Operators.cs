using TrainExplain.Torch.Native;

namespace TrainExplain.Torch;

// C# operators with tensors and scalars. Integer scalars keep integer tensors integral, as Python ints do in PyTorch.
// == and != stay reference comparisons; use eq() and ne() for elementwise equality.
public sealed partial class Tensor
{
    /// <summary>Elementwise sum.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Binary(BinaryOp.Add, b);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double b) => a.Binary(BinaryOp.Add, b, integral: false);
    /// <summary>Adds an integer scalar.</summary>
    public static Tensor operator +(Tensor a, long b) => a.Binary(BinaryOp.Add, b, integral: true);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(double a, Tensor b) => b.Binary(BinaryOp.Add, a, integral: false);
    /// <summary>Adds an integer scalar.</summary>
    public static Tensor operator +(long a, Tensor b) => b.Binary(BinaryOp.Add, a, integral: true);

    /// <summary>Elementwise difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Binary(BinaryOp.Sub, b);
    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double b) => a.Binary(BinaryOp.Sub, b, integral: false);
    /// <summary>Subtracts an integer scalar.</summary>
    public static Tensor operator -(Tensor a, long b) => a.Binary(BinaryOp.Sub, b, integral: true);
    /// <summary>Scalar minus tensor.</summary>
    public static Tensor operator -(double a, Tensor b) => ScalarFirst(BinaryOp.Sub, a, false, b);
    /// <summary>Integer scalar minus tensor.</summary>
    public static Tensor operator -(long a, Tensor b) => ScalarFirst(BinaryOp.Sub, a, true, b);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.neg();

    /// <summary>Elementwise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Binary(BinaryOp.Mul, b);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double b) => a.Binary(BinaryOp.Mul, b, integral: false);
    /// <summary>Multiplies by an integer scalar.</summary>
    public static Tensor operator *(Tensor a, long b) => a.Binary(BinaryOp.Mul, b, integral: true);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(double a, Tensor b) => b.Binary(BinaryOp.Mul, a, integral: false);
    /// <summary>Multiplies by an integer scalar.</summary>
    public static Tensor operator *(long a, Tensor b) => b.Binary(BinaryOp.Mul, a, integral: true);

    /// <summary>Elementwise true division.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Binary(BinaryOp.Div, b);
    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double b) => a.Binary(BinaryOp.Div, b, integral: false);
    /// <summary>Divides by an integer scalar (true division).</summary>
    public static Tensor operator /(Tensor a, long b) => a.Binary(BinaryOp.Div, b, integral: true);
    /// <summary>Scalar divided by tensor.</summary>
    public static Tensor operator /(double a, Tensor b) => ScalarFirst(BinaryOp.Div, a, false, b);

    /// <summary>Elementwise a &lt; b.</summary>
    public static Tensor operator <(Tensor a, Tensor b) => a.Binary(BinaryOp.Lt, b);
    /// <summary>Elementwise a &gt; b.</summary>
    public static Tensor operator >(Tensor a, Tensor b) => a.Binary(BinaryOp.Gt, b);
    /// <summary>Elementwise a &lt;= b.</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => a.Binary(BinaryOp.Le, b);
    /// <summary>Elementwise a &gt;= b.</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => a.Binary(BinaryOp.Ge, b);
    /// <summary>Elementwise a &lt; b.</summary>
    public static Tensor operator <(Tensor a, double b) => a.Binary(BinaryOp.Lt, b, integral: false);
    /// <summary>Elementwise a &gt; b.</summary>
    public static Tensor operator >(Tensor a, double b) => a.Binary(BinaryOp.Gt, b, integral: false);
    /// <summary>Elementwise a &lt;= b.</summary>
    public static Tensor operator <=(Tensor a, double b) => a.Binary(BinaryOp.Le, b, integral: false);
    /// <summary>Elementwise a &gt;= b.</summary>
    public static Tensor operator >=(Tensor a, double b) => a.Binary(BinaryOp.Ge, b, integral: false);
}
