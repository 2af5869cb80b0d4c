namespace TrainExplain.Torch.Native;

/// <summary>Codes of te_binary, te_binary_scalar and their in-place forms (src/TrainExplain.Native/src/ops.cpp).</summary>
internal enum BinaryOp
{
    Add = 0, Sub = 1, Mul = 2, Div = 3, Pow = 4, Eq = 5, Ne = 6, Lt = 7, Le = 8, Gt = 9, Ge = 10,
    Maximum = 11, Minimum = 12, LogicalAnd = 13, LogicalOr = 14, Remainder = 15, CopyOrFill = 16,
}
