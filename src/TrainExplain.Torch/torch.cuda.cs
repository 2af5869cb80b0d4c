using TrainExplain.Torch.Native;

namespace TrainExplain.Torch;

public static partial class torch
{
    /// <summary>CUDA queries, as <c>torch.cuda</c>.</summary>
    public static class cuda
    {
        /// <summary>True when libtorch was built with CUDA and a GPU is visible.</summary>
        public static bool is_available() => NativeMethods.te_cuda_is_available() != 0;

        /// <summary>The number of visible GPUs.</summary>
        public static int device_count() => NativeMethods.te_cuda_device_count();

        /// <summary>Waits until all queued work on <paramref name="device"/> (default: the current one) is done.</summary>
        public static void synchronize(int device = -1)
        {
            if (!is_available())
            {
                throw new InvalidOperationException("torch.cuda.synchronize needs a CUDA build of libtorch and a GPU; none is available.");
            }
            NativeError.Check(NativeMethods.te_cuda_synchronize(device));
        }
    }
}
