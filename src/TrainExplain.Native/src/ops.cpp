// Elementwise, reduction, shape and indexing operators. Operator codes are shared with the C# enums of the same
// names in TrainExplain.Torch/Native (UnaryOp, BinaryOp, ReduceOp): append new codes, never renumber.
#include "shim.h"

#include <vector>

using te::Handle;

namespace {

at::Tensor unary(int32_t op, const at::Tensor& a) {
    switch (op) {
        case 0: return at::abs(a);
        case 1: return at::neg(a);
        case 2: return at::exp(a);
        case 3: return at::log(a);
        case 4: return at::sqrt(a);
        case 5: return at::relu(a);
        case 6: return at::sigmoid(a);
        case 7: return at::tanh(a);
        case 8: return at::sign(a);
        case 9: return at::square(a);
        case 10: return at::floor(a);
        case 11: return at::ceil(a);
        case 12: return at::round(a);
        case 13: return at::reciprocal(a);
        case 14: return at::rsqrt(a);
        case 15: return at::isnan(a);
        case 16: return at::isfinite(a);
        case 17: return at::logical_not(a);
        case 18: return at::sin(a);
        case 19: return at::cos(a);
        default: TORCH_CHECK(false, "unknown unary operator code ", op);
    }
}

void unary_(int32_t op, at::Tensor& a) {
    switch (op) {
        case 0: a.abs_(); return;
        case 1: a.neg_(); return;
        case 2: a.exp_(); return;
        case 3: a.log_(); return;
        case 4: a.sqrt_(); return;
        case 5: a.relu_(); return;
        case 6: a.sigmoid_(); return;
        case 7: a.tanh_(); return;
        case 9: a.square_(); return;
        case 20: a.zero_(); return;
        default: TORCH_CHECK(false, "unknown in-place unary operator code ", op);
    }
}

// rhs is a tensor or a scalar; alpha scales rhs for add and sub.
template <class Rhs>
at::Tensor binary(int32_t op, const at::Tensor& a, const Rhs& b, const at::Scalar& alpha) {
    switch (op) {
        case 0: return at::add(a, b, alpha);
        case 1: return at::sub(a, b, alpha);
        case 2: return at::mul(a, b);
        case 3: return at::div(a, b);
        case 4: return at::pow(a, b);
        case 5: return at::eq(a, b);
        case 6: return at::ne(a, b);
        case 7: return at::lt(a, b);
        case 8: return at::le(a, b);
        case 9: return at::gt(a, b);
        case 10: return at::ge(a, b);
        case 15: return at::remainder(a, b);
        default: break;
    }
    if constexpr (std::is_same_v<Rhs, at::Tensor>) {
        switch (op) {
            case 11: return at::maximum(a, b);
            case 12: return at::minimum(a, b);
            case 13: return at::logical_and(a, b);
            case 14: return at::logical_or(a, b);
            default: break;
        }
    }
    TORCH_CHECK(false, "binary operator code ", op, " does not take this kind of right-hand side");
}

template <class Rhs>
void binary_(int32_t op, at::Tensor& a, const Rhs& b, const at::Scalar& alpha) {
    switch (op) {
        case 0: a.add_(b, alpha); return;
        case 1: a.sub_(b, alpha); return;
        case 2: a.mul_(b); return;
        case 3: a.div_(b); return;
        case 4: a.pow_(b); return;
        default: break;
    }
    if constexpr (std::is_same_v<Rhs, at::Tensor>) {
        if (op == 11) {
            at::maximum_out(a, a, b);
            return;
        }
        if (op == 16) {
            a.copy_(b);
            return;
        }
    } else {
        if (op == 16) {
            a.fill_(b);
            return;
        }
    }
    TORCH_CHECK(false, "unknown in-place binary operator code ", op);
}

at::Tensor reduce(int32_t op, const at::Tensor& a, at::IntArrayRef dims, bool all, bool keepdim, int64_t correction) {
    const bool unbiased = correction != 0;
    switch (op) {
        case 0: return all ? at::sum(a) : at::sum(a, dims, keepdim);
        case 1: return all ? at::mean(a) : at::mean(a, dims, keepdim);
        case 2: return all ? at::amax(a, at::IntArrayRef{}, false) : at::amax(a, dims, keepdim);
        case 3: return all ? at::amin(a, at::IntArrayRef{}, false) : at::amin(a, dims, keepdim);
        case 4: return all ? at::std(a, unbiased) : at::std(a, dims, unbiased, keepdim);
        case 5: return all ? at::var(a, unbiased) : at::var(a, dims, unbiased, keepdim);
        case 6: return all ? at::norm(a) : at::norm(a, 2, dims, keepdim);
        default: TORCH_CHECK(false, "unknown reduction code ", op);
    }
}

std::vector<at::Tensor> tensors(const Handle* handles, int32_t count) {
    TORCH_CHECK(count >= 0 && (count == 0 || handles != nullptr), "invalid tensor list");
    std::vector<at::Tensor> list;
    list.reserve(static_cast<size_t>(count));
    for (int32_t i = 0; i < count; ++i) list.push_back(te::ref(handles[i]));
    return list;
}

}  // namespace

TE_API int32_t te_unary(int32_t op, Handle a, Handle* out) {
    return te::make(out, [&] { return unary(op, te::ref(a)); });
}

TE_API int32_t te_unary_(int32_t op, Handle a) {
    return te::guarded([&] {
        auto t = te::ref(a);
        unary_(op, t);
    });
}

TE_API int32_t te_binary(int32_t op, Handle a, Handle b, double alpha, Handle* out) {
    return te::make(out, [&] { return binary(op, te::ref(a), te::ref(b), te::multiplier(te::ref(a), alpha)); });
}

TE_API int32_t te_binary_scalar(int32_t op, Handle a, double value, int32_t integral, Handle* out) {
    return te::make(out, [&] { return binary(op, te::ref(a), te::scalar(value, integral), at::Scalar(1)); });
}

// scalar OP tensor, for the operators that do not commute: 1 sub, 3 div, 4 pow.
TE_API int32_t te_scalar_binary(int32_t op, double value, int32_t integral, Handle b, Handle* out) {
    return te::make(out, [&] {
        const auto s = te::scalar(value, integral);
        const auto& t = te::ref(b);
        switch (op) {
            case 1: return at::rsub(t, s);
            case 3: return at::mul(at::reciprocal(t), s);
            case 4: return at::pow(s, t);
            default: TORCH_CHECK(false, "scalar-first form of operator code ", op, " is not supported");
        }
    });
}

TE_API int32_t te_binary_(int32_t op, Handle a, Handle b, double alpha) {
    return te::guarded([&] {
        auto t = te::ref(a);
        binary_(op, t, te::ref(b), te::multiplier(t, alpha));
    });
}

TE_API int32_t te_binary_scalar_(int32_t op, Handle a, double value, int32_t integral) {
    return te::guarded([&] {
        auto t = te::ref(a);
        binary_(op, t, te::scalar(value, integral), at::Scalar(1));
    });
}

// a += value * b * c (kind 0, addcmul_) or a += value * b / c (kind 1, addcdiv_).
TE_API int32_t te_addc_(int32_t kind, Handle a, Handle b, Handle c, double value) {
    return te::guarded([&] {
        auto t = te::ref(a);
        if (kind == 0) {
            t.addcmul_(te::ref(b), te::ref(c), value);
        } else {
            t.addcdiv_(te::ref(b), te::ref(c), value);
        }
    });
}

TE_API int32_t te_clamp(Handle a, double min, int32_t has_min, double max, int32_t has_max, int32_t in_place,
                        Handle* out) {
    return te::guarded([&] {
        const auto lo = has_min ? c10::optional<at::Scalar>(min) : c10::nullopt;
        const auto hi = has_max ? c10::optional<at::Scalar>(max) : c10::nullopt;
        auto t = te::ref(a);
        if (in_place) {
            t.clamp_(lo, hi);
        } else {
            *out = te::wrap(at::clamp(t, lo, hi));
        }
    });
}

TE_API int32_t te_where(Handle condition, Handle a, Handle b, Handle* out) {
    return te::make(out, [&] { return at::where(te::ref(condition), te::ref(a), te::ref(b)); });
}

TE_API int32_t te_masked_fill(Handle a, Handle mask, double value, Handle* out) {
    return te::make(out, [&] { return at::masked_fill(te::ref(a), te::ref(mask), value); });
}

TE_API int32_t te_matmul(Handle a, Handle b, Handle* out) {
    return te::make(out, [&] { return at::matmul(te::ref(a), te::ref(b)); });
}

// Reductions over the given dims; ndim < 0 reduces over all elements.
TE_API int32_t te_reduce(int32_t op, Handle a, const int64_t* dims, int32_t ndim, int32_t keepdim, int64_t correction,
                         Handle* out) {
    return te::make(out, [&] {
        const bool all = ndim < 0;
        return reduce(op, te::ref(a), all ? at::IntArrayRef{} : te::dims(dims, ndim), all, keepdim != 0, correction);
    });
}

// max (kind 0) or min (kind 1) along a dim, with the indices.
TE_API int32_t te_extremum_dim(int32_t kind, Handle a, int64_t dim, int32_t keepdim, Handle* values, Handle* indices) {
    return te::guarded([&] {
        auto result = kind == 0 ? at::max(te::ref(a), dim, keepdim != 0) : at::min(te::ref(a), dim, keepdim != 0);
        *values = te::wrap(std::get<0>(result));
        *indices = te::wrap(std::get<1>(result));
    });
}

// argmax (kind 0) or argmin (kind 1); has_dim = 0 means over the flattened tensor.
TE_API int32_t te_arg_extremum(int32_t kind, Handle a, int64_t dim, int32_t has_dim, int32_t keepdim, Handle* out) {
    return te::make(out, [&] {
        const auto d = has_dim ? c10::optional<int64_t>(dim) : c10::nullopt;
        return kind == 0 ? at::argmax(te::ref(a), d, keepdim != 0) : at::argmin(te::ref(a), d, keepdim != 0);
    });
}

TE_API int32_t te_quantile(Handle a, double q, int64_t dim, int32_t has_dim, int32_t keepdim, Handle* out) {
    return te::make(out, [&] {
        const auto d = has_dim ? c10::optional<int64_t>(dim) : c10::nullopt;
        return at::quantile(te::ref(a), q, d, keepdim != 0);
    });
}

// Shape operators taking one list of ints: 0 reshape, 1 view, 2 permute, 3 expand, 4 repeat, 5 flip.
TE_API int32_t te_shape_op(int32_t op, Handle a, const int64_t* values, int32_t count, Handle* out) {
    return te::make(out, [&] {
        const auto& t = te::ref(a);
        const auto list = te::dims(values, count);
        switch (op) {
            case 0: return t.reshape(list);
            case 1: return t.view(list);
            case 2: return t.permute(list);
            case 3: return t.expand(list);
            case 4: return t.repeat(list);
            case 5: return t.flip(list);
            default: TORCH_CHECK(false, "unknown shape operator code ", op);
        }
    });
}

TE_API int32_t te_transpose(Handle a, int64_t dim0, int64_t dim1, Handle* out) {
    return te::make(out, [&] { return te::ref(a).transpose(dim0, dim1); });
}

TE_API int32_t te_flatten(Handle a, int64_t start, int64_t end, Handle* out) {
    return te::make(out, [&] { return te::ref(a).flatten(start, end); });
}

// has_dim = 0 squeezes every dimension of size 1.
TE_API int32_t te_squeeze(Handle a, int64_t dim, int32_t has_dim, Handle* out) {
    return te::make(out, [&] { return has_dim ? te::ref(a).squeeze(dim) : te::ref(a).squeeze(); });
}

TE_API int32_t te_unsqueeze(Handle a, int64_t dim, Handle* out) {
    return te::make(out, [&] { return te::ref(a).unsqueeze(dim); });
}

TE_API int32_t te_repeat_interleave(Handle a, int64_t repeats, int64_t dim, int32_t has_dim, Handle* out) {
    return te::make(out, [&] {
        const auto d = has_dim ? c10::optional<int64_t>(dim) : c10::nullopt;
        return at::repeat_interleave(te::ref(a), repeats, d);
    });
}

// Joins tensors along a dim: kind 0 cat, kind 1 stack.
TE_API int32_t te_join(int32_t kind, const Handle* handles, int32_t count, int64_t dim, Handle* out) {
    return te::make(out, [&] {
        const auto list = tensors(handles, count);
        return kind == 0 ? at::cat(list, dim) : at::stack(list, dim);
    });
}

TE_API int32_t te_narrow(Handle a, int64_t dim, int64_t start, int64_t length, Handle* out) {
    return te::make(out, [&] { return te::ref(a).narrow(dim, start, length); });
}

TE_API int32_t te_select(Handle a, int64_t dim, int64_t index, Handle* out) {
    return te::make(out, [&] { return te::ref(a).select(dim, index); });
}

TE_API int32_t te_index_select(Handle a, int64_t dim, Handle index, Handle* out) {
    return te::make(out, [&] { return at::index_select(te::ref(a), dim, te::ref(index)); });
}

TE_API int32_t te_gather(Handle a, int64_t dim, Handle index, Handle* out) {
    return te::make(out, [&] { return at::gather(te::ref(a), dim, te::ref(index)); });
}

TE_API int32_t te_roll(Handle a, const int64_t* shifts, const int64_t* dims, int32_t count, Handle* out) {
    return te::make(out, [&] { return at::roll(te::ref(a), te::dims(shifts, count), te::dims(dims, count)); });
}

TE_API int32_t te_constant_pad(Handle a, const int64_t* pads, int32_t count, double value, Handle* out) {
    return te::make(out, [&] { return at::constant_pad_nd(te::ref(a), te::dims(pads, count), value); });
}

TE_API int32_t te_one_hot(Handle indices, int64_t classes, Handle* out) {
    return te::make(out, [&] { return at::one_hot(te::ref(indices), classes); });
}

// 0 contiguous, 1 clone, 2 detach, 3 alias (a view on the same data, tracked by autograd), 4 a second handle on the
// very same tensor (same autograd identity).
TE_API int32_t te_copy_op(int32_t op, Handle a, Handle* out) {
    return te::make(out, [&] {
        const auto& t = te::ref(a);
        switch (op) {
            case 0: return t.contiguous();
            case 1: return t.clone();
            case 2: return t.detach();
            case 3: return at::alias(t);
            case 4: return t;
            default: TORCH_CHECK(false, "unknown copy operator code ", op);
        }
    });
}
