using System.Runtime.InteropServices;

namespace TrainExplain.Torch.Native;

/// <summary>
/// The C ABI of libTrainExplainNative (src/TrainExplain.Native). Every function returns 0 on success and -1 on error,
/// with the message in <see cref="te_last_error"/>; arguments are blittable (ints for flags, pointers for lists).
/// </summary>
internal static unsafe partial class NativeMethods
{
    private const string Library = "TrainExplainNative";

    static NativeMethods() => NativeLoader.Register();

    [LibraryImport(Library)] internal static partial nint te_last_error();
    [LibraryImport(Library)] internal static partial long te_live_tensors();
    [LibraryImport(Library)] internal static partial void te_free(nint handle);

    [LibraryImport(Library)] internal static partial int te_shape(nint h, long* sizes, int capacity, int* ndim);
    [LibraryImport(Library)] internal static partial int te_info(nint h, int* dtype, int* deviceType, int* deviceIndex);
    [LibraryImport(Library)] internal static partial int te_requires_grad(nint h, int* value);
    [LibraryImport(Library)] internal static partial int te_set_requires_grad(nint h, int value);
    [LibraryImport(Library)] internal static partial int te_is_leaf(nint h, int* value);
    [LibraryImport(Library)] internal static partial int te_grad(nint h, nint* result);
    [LibraryImport(Library)] internal static partial int te_set_grad(nint h, nint grad);
    [LibraryImport(Library)] internal static partial int te_set_data(nint h, nint data);
    [LibraryImport(Library)] internal static partial int te_item(nint h, double* value);
    [LibraryImport(Library)] internal static partial int te_item_int64(nint h, long* value);
    [LibraryImport(Library)] internal static partial int te_copy_to_host(nint h, void* buffer, long nbytes);
    [LibraryImport(Library)]
    internal static partial int te_from_host(void* buffer, long nbytes, long* sizes, int ndim, int dtype, int deviceType, int deviceIndex, nint* result);
    [LibraryImport(Library)]
    internal static partial int te_factory(int kind, long* sizes, int ndim, double value, int dtype, int deviceType, int deviceIndex, nint* result);
    [LibraryImport(Library)] internal static partial int te_factory_like(int kind, nint h, double value, nint* result);
    [LibraryImport(Library)]
    internal static partial int te_randint(long low, long high, long* sizes, int ndim, int dtype, int deviceType, int deviceIndex, nint* result);
    [LibraryImport(Library)]
    internal static partial int te_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex, nint* result);
    [LibraryImport(Library)]
    internal static partial int te_linspace(double start, double end, long steps, int dtype, int deviceType, int deviceIndex, nint* result);
    [LibraryImport(Library)] internal static partial int te_to(nint h, int dtype, int deviceType, int deviceIndex, nint* result);
    [LibraryImport(Library)] internal static partial int te_manual_seed(ulong seed);
    [LibraryImport(Library)] internal static partial int te_generator_new(ulong seed, nint* generator);
    [LibraryImport(Library)] internal static partial void te_generator_free(nint generator);
    [LibraryImport(Library)]
    internal static partial int te_generator_sample(nint generator, int kind, long* sizes, int ndim, int dtype, nint* result);
    [LibraryImport(Library)] internal static partial int te_set_num_threads(int threads);
    [LibraryImport(Library)] internal static partial int te_get_num_threads();
    [LibraryImport(Library)] internal static partial int te_cuda_is_available();
    [LibraryImport(Library)] internal static partial int te_cuda_device_count();
    [LibraryImport(Library)] internal static partial int te_cuda_synchronize(int deviceIndex);
    [LibraryImport(Library)] internal static partial int te_torch_version(int* major, int* minor);

    [LibraryImport(Library)] internal static partial int te_unary(int op, nint a, nint* result);
    [LibraryImport(Library)] internal static partial int te_unary_(int op, nint a);
    [LibraryImport(Library)] internal static partial int te_binary(int op, nint a, nint b, double alpha, nint* result);
    [LibraryImport(Library)] internal static partial int te_binary_scalar(int op, nint a, double value, int integral, nint* result);
    [LibraryImport(Library)] internal static partial int te_scalar_binary(int op, double value, int integral, nint b, nint* result);
    [LibraryImport(Library)] internal static partial int te_binary_(int op, nint a, nint b, double alpha);
    [LibraryImport(Library)] internal static partial int te_binary_scalar_(int op, nint a, double value, int integral);
    [LibraryImport(Library)] internal static partial int te_addc_(int kind, nint a, nint b, nint c, double value);
    [LibraryImport(Library)]
    internal static partial int te_clamp(nint a, double min, int hasMin, double max, int hasMax, int inPlace, nint* result);
    [LibraryImport(Library)] internal static partial int te_where(nint condition, nint a, nint b, nint* result);
    [LibraryImport(Library)] internal static partial int te_masked_fill(nint a, nint mask, double value, nint* result);
    [LibraryImport(Library)] internal static partial int te_matmul(nint a, nint b, nint* result);
    [LibraryImport(Library)]
    internal static partial int te_reduce(int op, nint a, long* dims, int ndim, int keepdim, long correction, nint* result);
    [LibraryImport(Library)]
    internal static partial int te_extremum_dim(int kind, nint a, long dim, int keepdim, nint* values, nint* indices);
    [LibraryImport(Library)] internal static partial int te_arg_extremum(int kind, nint a, long dim, int hasDim, int keepdim, nint* result);
    [LibraryImport(Library)] internal static partial int te_quantile(nint a, double q, long dim, int hasDim, int keepdim, nint* result);
    [LibraryImport(Library)] internal static partial int te_shape_op(int op, nint a, long* values, int count, nint* result);
    [LibraryImport(Library)] internal static partial int te_transpose(nint a, long dim0, long dim1, nint* result);
    [LibraryImport(Library)] internal static partial int te_flatten(nint a, long start, long end, nint* result);
    [LibraryImport(Library)] internal static partial int te_squeeze(nint a, long dim, int hasDim, nint* result);
    [LibraryImport(Library)] internal static partial int te_unsqueeze(nint a, long dim, nint* result);
    [LibraryImport(Library)] internal static partial int te_repeat_interleave(nint a, long repeats, long dim, int hasDim, nint* result);
    [LibraryImport(Library)] internal static partial int te_join(int kind, nint* handles, int count, long dim, nint* result);
    [LibraryImport(Library)] internal static partial int te_narrow(nint a, long dim, long start, long length, nint* result);
    [LibraryImport(Library)] internal static partial int te_select(nint a, long dim, long index, nint* result);
    [LibraryImport(Library)] internal static partial int te_index_select(nint a, long dim, nint index, nint* result);
    [LibraryImport(Library)] internal static partial int te_gather(nint a, long dim, nint index, nint* result);
    [LibraryImport(Library)] internal static partial int te_roll(nint a, long* shifts, long* dims, int count, nint* result);
    [LibraryImport(Library)] internal static partial int te_constant_pad(nint a, long* pads, int count, double value, nint* result);
    [LibraryImport(Library)] internal static partial int te_one_hot(nint indices, long classes, nint* result);
    [LibraryImport(Library)] internal static partial int te_copy_op(int op, nint a, nint* result);

    [LibraryImport(Library)]
    internal static partial int te_conv2d(nint x, nint weight, nint bias, long* stride, long* padding, long* dilation, long groups, nint* result);
    [LibraryImport(Library)] internal static partial int te_linear(nint x, nint weight, nint bias, nint* result);
    [LibraryImport(Library)]
    internal static partial int te_max_pool2d(nint x, long* kernel, long* stride, long* padding, long* dilation, int ceilMode, nint* result);
    [LibraryImport(Library)]
    internal static partial int te_avg_pool2d(nint x, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad, nint* result);
    [LibraryImport(Library)] internal static partial int te_adaptive_avg_pool2d(nint x, long* outputSize, nint* result);
    [LibraryImport(Library)] internal static partial int te_dropout(nint x, double p, int train, nint* result);
    [LibraryImport(Library)]
    internal static partial int te_batch_norm(nint x, nint weight, nint bias, nint runningMean, nint runningVar, int training, double momentum, double eps, nint* result);
    [LibraryImport(Library)] internal static partial int te_softmax(int kind, nint x, long dim, nint* result);
    [LibraryImport(Library)]
    internal static partial int te_cross_entropy(nint logits, nint target, nint weight, long reduction, long ignoreIndex, double labelSmoothing, nint* result);
    [LibraryImport(Library)]
    internal static partial int te_nll_loss(nint logProbs, nint target, nint weight, long reduction, long ignoreIndex, nint* result);
    [LibraryImport(Library)] internal static partial int te_mse_loss(nint a, nint b, long reduction, nint* result);
    [LibraryImport(Library)]
    internal static partial int te_interpolate(nint x, long height, long width, int mode, int alignCorners, nint* result);

    [LibraryImport(Library)] internal static partial int te_backward(nint output, nint gradOutput, int retainGraph, int createGraph);
    [LibraryImport(Library)]
    internal static partial int te_autograd_grad(nint* outputs, int nOutputs, nint* inputs, int nInputs, nint* gradOutputs, int retainGraph, int createGraph, int allowUnused, nint* results);
    [LibraryImport(Library)] internal static partial int te_set_grad_enabled(int enabled);
    [LibraryImport(Library)] internal static partial int te_is_grad_enabled();
}
