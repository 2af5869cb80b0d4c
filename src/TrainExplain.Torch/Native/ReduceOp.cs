namespace TrainExplain.Torch.Native;

/// <summary>Codes of te_reduce (src/TrainExplain.Native/src/ops.cpp).</summary>
internal enum ReduceOp
{
    Sum = 0, Mean = 1, Amax = 2, Amin = 3, Std = 4, Var = 5, Norm = 6,
}
