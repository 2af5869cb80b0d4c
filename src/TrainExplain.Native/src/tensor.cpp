// Tensor lifetime, properties, factories, host copies, RNG, threads and devices.
#include "shim.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <cstring>

using te::Handle;

TE_API const char* te_last_error() { return te::last_error().c_str(); }

TE_API int64_t te_live_tensors() { return te::live_tensors().load(std::memory_order_relaxed); }

TE_API void te_free(Handle handle) {
    if (!handle) return;
    delete handle;  // at::Tensor's destructor only drops a reference count: it does not throw.
    te::live_tensors().fetch_sub(1, std::memory_order_relaxed);
}

TE_API int32_t te_shape(Handle h, int64_t* sizes, int32_t capacity, int32_t* ndim) {
    return te::guarded([&] {
        const auto& t = te::ref(h);
        const auto n = static_cast<int32_t>(t.dim());
        TORCH_CHECK(n <= capacity, "tensor rank ", n, " exceeds the buffer of ", capacity);
        for (int32_t i = 0; i < n; ++i) sizes[i] = t.size(i);
        *ndim = n;
    });
}

TE_API int32_t te_info(Handle h, int32_t* dtype, int32_t* device_type, int32_t* device_index) {
    return te::guarded([&] {
        const auto& t = te::ref(h);
        *dtype = static_cast<int32_t>(t.scalar_type());
        *device_type = static_cast<int32_t>(t.device().type());
        *device_index = t.device().has_index() ? t.device().index() : 0;
    });
}

TE_API int32_t te_requires_grad(Handle h, int32_t* value) {
    return te::guarded([&] { *value = te::ref(h).requires_grad() ? 1 : 0; });
}

TE_API int32_t te_set_requires_grad(Handle h, int32_t value) {
    return te::guarded([&] { te::ref(h).set_requires_grad(value != 0); });
}

TE_API int32_t te_is_leaf(Handle h, int32_t* value) {
    return te::guarded([&] { *value = te::ref(h).is_leaf() ? 1 : 0; });
}

TE_API int32_t te_grad(Handle h, Handle* out) {
    return te::make(out, [&] { return te::ref(h).grad(); });
}

TE_API int32_t te_set_grad(Handle h, Handle grad) {
    return te::guarded([&] {
        const auto& t = te::ref(h);
        if (grad) {
            // The checks of PyTorch's `tensor.grad = g`: libtorch's accessor checks nothing, and a mismatched grad
            // would only fail (or silently broadcast) later, inside an optimizer step.
            TORCH_CHECK(grad->scalar_type() == t.scalar_type(), "assigned grad has dtype ", grad->scalar_type(),
                        " but the tensor has dtype ", t.scalar_type());
            TORCH_CHECK(grad->device() == t.device(), "assigned grad is on ", grad->device(), " but the tensor is on ",
                        t.device());
            TORCH_CHECK(grad->sizes() == t.sizes(), "assigned grad has shape ", grad->sizes(),
                        " but the tensor has shape ", t.sizes());
        }
        // mutable_grad() is the one accessor both libtorch 1.13 and 2.x offer for assigning .grad.
        t.mutable_grad() = grad ? *grad : at::Tensor();
    });
}

TE_API int32_t te_item(Handle h, double* value) {
    return te::guarded([&] { *value = te::ref(h).item<double>(); });
}

// The value of a one-element integral or bool tensor, exact over the whole int64 range (a double holds 53 bits).
TE_API int32_t te_item_int64(Handle h, int64_t* value) {
    return te::guarded([&] {
        const auto& t = te::ref(h);
        TORCH_CHECK(!t.is_floating_point(), "te_item_int64 needs an integral tensor, got ", t.scalar_type());
        *value = t.item<int64_t>();
    });
}

// Copies the tensor's elements, in row-major order and its own dtype, into a host buffer of exactly nbytes.
TE_API int32_t te_copy_to_host(Handle h, void* buffer, int64_t nbytes) {
    return te::guarded([&] {
        const auto& t = te::ref(h);
        auto host = t.detach().to(at::kCPU).contiguous();
        const int64_t size = host.numel() * static_cast<int64_t>(host.element_size());
        TORCH_CHECK(size == nbytes, "host buffer holds ", nbytes, " bytes but the tensor has ", size);
        if (size > 0) std::memcpy(buffer, host.data_ptr(), static_cast<size_t>(size));
    });
}

// Makes a tensor from a host buffer (copied) of the given dtype and shape, then moves it to the device.
TE_API int32_t te_from_host(const void* buffer, int64_t nbytes, const int64_t* sizes, int32_t ndim, int32_t dtype,
                            int32_t device_type, int32_t device_index, Handle* out) {
    return te::make(out, [&] {
        auto t = at::empty(te::dims(sizes, ndim), at::TensorOptions().dtype(te::dtype(dtype)));
        const int64_t size = t.numel() * static_cast<int64_t>(t.element_size());
        TORCH_CHECK(size == nbytes, "host buffer holds ", nbytes, " bytes but shape and dtype need ", size);
        if (size > 0) std::memcpy(t.data_ptr(), buffer, static_cast<size_t>(size));
        return t.to(te::device(device_type, device_index));
    });
}

// Factory kinds: 0 empty, 1 zeros, 2 ones, 3 full, 4 rand, 5 randn.
TE_API int32_t te_factory(int32_t kind, const int64_t* sizes, int32_t ndim, double value, int32_t dtype,
                          int32_t device_type, int32_t device_index, Handle* out) {
    return te::make(out, [&] {
        const auto shape = te::dims(sizes, ndim);
        const auto opts = te::options(dtype, device_type, device_index);
        switch (kind) {
            case 0: return at::empty(shape, opts);
            case 1: return at::zeros(shape, opts);
            case 2: return at::ones(shape, opts);
            case 3: return at::full(shape, value, opts);
            case 4: return at::rand(shape, opts);
            case 5: return at::randn(shape, opts);
            default: TORCH_CHECK(false, "unknown factory kind ", kind);
        }
    });
}

// Like-factories: 0 empty_like, 1 zeros_like, 2 ones_like, 3 full_like, 4 rand_like, 5 randn_like.
TE_API int32_t te_factory_like(int32_t kind, Handle h, double value, Handle* out) {
    return te::make(out, [&] {
        const auto& t = te::ref(h);
        switch (kind) {
            case 0: return at::empty_like(t);
            case 1: return at::zeros_like(t);
            case 2: return at::ones_like(t);
            case 3: return at::full_like(t, value);
            case 4: return at::rand_like(t);
            case 5: return at::randn_like(t);
            default: TORCH_CHECK(false, "unknown factory kind ", kind);
        }
    });
}

TE_API int32_t te_randint(int64_t low, int64_t high, const int64_t* sizes, int32_t ndim, int32_t dtype,
                          int32_t device_type, int32_t device_index, Handle* out) {
    return te::make(out, [&] {
        return at::randint(low, high, te::dims(sizes, ndim), te::options(dtype, device_type, device_index));
    });
}

TE_API int32_t te_arange(double start, double end, double step, int32_t dtype, int32_t device_type,
                         int32_t device_index, Handle* out) {
    return te::make(out, [&] { return at::arange(start, end, step, te::options(dtype, device_type, device_index)); });
}

TE_API int32_t te_linspace(double start, double end, int64_t steps, int32_t dtype, int32_t device_type,
                           int32_t device_index, Handle* out) {
    return te::make(out, [&] { return at::linspace(start, end, steps, te::options(dtype, device_type, device_index)); });
}

TE_API int32_t te_to(Handle h, int32_t dtype, int32_t device_type, int32_t device_index, Handle* out) {
    return te::make(out, [&] {
        return te::ref(h).to(te::device(device_type, device_index), te::dtype(dtype));
    });
}

TE_API int32_t te_manual_seed(uint64_t seed) {
    return te::guarded([&] {
        at::manual_seed(seed);
        if (torch::cuda::is_available()) torch::cuda::manual_seed_all(seed);
    });
}

TE_API int32_t te_set_num_threads(int32_t threads) {
    return te::guarded([&] {
        TORCH_CHECK(threads > 0, "the number of threads must be positive, got ", threads);
        at::set_num_threads(threads);
    });
}

TE_API int32_t te_get_num_threads() { return at::get_num_threads(); }

TE_API int32_t te_cuda_is_available() {
    int32_t available = 0;
    te::guarded([&] { available = torch::cuda::is_available() ? 1 : 0; });
    return available;
}

TE_API int32_t te_cuda_device_count() {
    int32_t count = 0;
    te::guarded([&] { count = static_cast<int32_t>(torch::cuda::device_count()); });
    return count;
}

TE_API int32_t te_cuda_synchronize(int32_t device_index) {
    return te::guarded([&] { torch::cuda::synchronize(device_index); });
}

TE_API int32_t te_torch_version(int32_t* major, int32_t* minor) {
    return te::guarded([&] {
        *major = TORCH_VERSION_MAJOR;
        *minor = TORCH_VERSION_MINOR;
    });
}

// Points h at new data (e.g. moved to another device) while keeping its identity, as PyTorch's `param.data = ...`.
TE_API int32_t te_set_data(Handle h, Handle data) {
    return te::guarded([&] {
        auto t = te::ref(h);
        t.set_data(te::ref(data));
    });
}

// Private CPU random generators: seeded explainers draw from their own stream and never disturb the global one.
TE_API int32_t te_generator_new(uint64_t seed, void** out) {
    return te::guarded([&] {
        *out = nullptr;
        *out = new at::Generator(at::make_generator<at::CPUGeneratorImpl>(seed));
    });
}

TE_API void te_generator_free(void* generator) { delete static_cast<at::Generator*>(generator); }

// Samples on the CPU from a private generator: kind 4 rand (uniform [0, 1)), kind 5 randn.
TE_API int32_t te_generator_sample(void* generator, int32_t kind, const int64_t* sizes, int32_t ndim, int32_t dtype,
                                   te::Handle* out) {
    return te::make(out, [&] {
        TORCH_CHECK(generator != nullptr, "a null generator was passed");
        const auto& gen = *static_cast<at::Generator*>(generator);
        const auto opts = at::TensorOptions().dtype(te::dtype(dtype));
        TORCH_CHECK(kind == 4 || kind == 5, "unknown sampling kind ", kind);
        return kind == 4 ? at::rand(te::dims(sizes, ndim), gen, opts) : at::randn(te::dims(sizes, ndim), gen, opts);
    });
}
