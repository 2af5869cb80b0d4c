// torch.nn.functional: convolution, pooling, normalization, activations, losses and resampling.
#include "shim.h"

using te::Handle;

namespace {

at::IntArrayRef pair(const int64_t* values) { return at::IntArrayRef(values, 2); }

}  // namespace

TE_API int32_t te_conv2d(Handle x, Handle weight, Handle bias, const int64_t* stride, const int64_t* padding,
                         const int64_t* dilation, int64_t groups, Handle* out) {
    return te::make(out, [&] {
        return at::conv2d(te::ref(x), te::ref(weight), te::optional(bias), pair(stride), pair(padding), pair(dilation),
                          groups);
    });
}

TE_API int32_t te_linear(Handle x, Handle weight, Handle bias, Handle* out) {
    return te::make(out, [&] { return at::linear(te::ref(x), te::ref(weight), te::optional(bias)); });
}

TE_API int32_t te_max_pool2d(Handle x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                             const int64_t* dilation, int32_t ceil_mode, Handle* out) {
    return te::make(out, [&] {
        return at::max_pool2d(te::ref(x), pair(kernel), pair(stride), pair(padding), pair(dilation), ceil_mode != 0);
    });
}

TE_API int32_t te_avg_pool2d(Handle x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                             int32_t ceil_mode, int32_t count_include_pad, Handle* out) {
    return te::make(out, [&] {
        return at::avg_pool2d(te::ref(x), pair(kernel), pair(stride), pair(padding), ceil_mode != 0,
                              count_include_pad != 0);
    });
}

TE_API int32_t te_adaptive_avg_pool2d(Handle x, const int64_t* output_size, Handle* out) {
    return te::make(out, [&] { return at::adaptive_avg_pool2d(te::ref(x), pair(output_size)); });
}

TE_API int32_t te_dropout(Handle x, double p, int32_t train, Handle* out) {
    return te::make(out, [&] { return at::dropout(te::ref(x), p, train != 0); });
}

// Batch normalization; in training mode running_mean and running_var are updated in place, as in PyTorch.
TE_API int32_t te_batch_norm(Handle x, Handle weight, Handle bias, Handle running_mean, Handle running_var,
                             int32_t training, double momentum, double eps, Handle* out) {
    return te::make(out, [&] {
        return at::batch_norm(te::ref(x), te::optional(weight), te::optional(bias), te::optional(running_mean),
                              te::optional(running_var), training != 0, momentum, eps, /*cudnn_enabled=*/true);
    });
}

// 0 softmax, 1 log_softmax.
TE_API int32_t te_softmax(int32_t kind, Handle x, int64_t dim, Handle* out) {
    return te::make(out, [&] {
        return kind == 0 ? at::softmax(te::ref(x), dim) : at::log_softmax(te::ref(x), dim);
    });
}

// Reduction codes are ATen's: 0 none, 1 mean, 2 sum.
TE_API int32_t te_cross_entropy(Handle logits, Handle target, Handle weight, int64_t reduction, int64_t ignore_index,
                                double label_smoothing, Handle* out) {
    return te::make(out, [&] {
        return at::cross_entropy_loss(te::ref(logits), te::ref(target), te::optional(weight), reduction, ignore_index,
                                      label_smoothing);
    });
}

TE_API int32_t te_nll_loss(Handle log_probs, Handle target, Handle weight, int64_t reduction, int64_t ignore_index,
                           Handle* out) {
    return te::make(out, [&] {
        return at::nll_loss_nd(te::ref(log_probs), te::ref(target), te::optional(weight), reduction, ignore_index);
    });
}

TE_API int32_t te_mse_loss(Handle a, Handle b, int64_t reduction, Handle* out) {
    return te::make(out, [&] { return at::mse_loss(te::ref(a), te::ref(b), reduction); });
}

// Resizes the last two dims to height x width: mode 0 nearest, 1 bilinear.
TE_API int32_t te_interpolate(Handle x, int64_t height, int64_t width, int32_t mode, int32_t align_corners,
                              Handle* out) {
    return te::make(out, [&] {
        const int64_t size[2] = {height, width};
        if (mode == 0) return at::upsample_nearest2d(te::ref(x), at::IntArrayRef(size, 2));
        TORCH_CHECK(mode == 1, "unknown interpolation mode code ", mode);
        return at::upsample_bilinear2d(te::ref(x), at::IntArrayRef(size, 2), align_corners != 0);
    });
}
