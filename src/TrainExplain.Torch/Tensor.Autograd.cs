using TrainExplain.Torch.Native;

namespace TrainExplain.Torch;

// Backward pass.
public sealed partial class Tensor
{
    /// <summary>
    /// Accumulates the gradient of this tensor into the <c>.grad</c> of the leaves it depends on
    /// (<paramref name="gradient"/> is required unless this tensor has one element).
    /// </summary>
    public void backward(Tensor? gradient = null, bool retain_graph = false, bool create_graph = false) =>
        NativeError.Check(NativeMethods.te_backward(Handle, HandleOf(gradient), retain_graph ? 1 : 0, create_graph ? 1 : 0));
}
