namespace TrainExplain.Torch.Native;

/// <summary>Codes of te_unary / te_unary_ (src/TrainExplain.Native/src/ops.cpp).</summary>
internal enum UnaryOp
{
    Abs = 0, Neg = 1, Exp = 2, Log = 3, Sqrt = 4, Relu = 5, Sigmoid = 6, Tanh = 7, Sign = 8, Square = 9,
    Floor = 10, Ceil = 11, Round = 12, Reciprocal = 13, Rsqrt = 14, IsNan = 15, IsFinite = 16, LogicalNot = 17,
    Sin = 18, Cos = 19, Zero = 20,
}
