// Shared plumbing of the C ABI: handles, the live-tensor counter, thread-local errors and argument conversion.
// Every exported function returns a status (0 ok, -1 error) and writes results through out-pointers; every one runs its
// body inside te::guarded so that no C++ exception ever crosses the C boundary.
#pragma once

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <atomic>
#include <exception>
#include <string>
#include <utility>

#define TE_API extern "C" __attribute__((visibility("default")))

namespace te {

using Handle = at::Tensor*;

inline std::atomic<int64_t>& live_tensors() {
    static std::atomic<int64_t> count{0};
    return count;
}

inline std::string& last_error() {
    thread_local std::string message;
    return message;
}

// Wraps a tensor in a new handle; an undefined tensor becomes a null handle.
inline Handle wrap(at::Tensor tensor) {
    if (!tensor.defined()) return nullptr;
    auto* handle = new at::Tensor(std::move(tensor));
    live_tensors().fetch_add(1, std::memory_order_relaxed);
    return handle;
}

inline const at::Tensor& ref(Handle handle) {
    TORCH_CHECK(handle != nullptr, "a null tensor handle was passed");
    return *handle;
}

// An optional tensor argument: null means "none".
inline c10::optional<at::Tensor> optional(Handle handle) {
    return handle ? c10::optional<at::Tensor>(*handle) : c10::nullopt;
}

inline at::IntArrayRef dims(const int64_t* values, int32_t count) {
    TORCH_CHECK(count >= 0 && (count == 0 || values != nullptr), "invalid dimension list");
    return at::IntArrayRef(values, static_cast<size_t>(count));
}

inline at::Scalar scalar(double value, int32_t integral) {
    return integral ? at::Scalar(static_cast<int64_t>(value)) : at::Scalar(value);
}

// A multiplier such as add's alpha: integral tensors take whole numbers as integers (ATen refuses a floating alpha
// for them), so `long_tensor.add_(other, 1)` works as in PyTorch.
inline at::Scalar multiplier(const at::Tensor& t, double value) {
    const bool whole = value == static_cast<double>(static_cast<int64_t>(value));
    return !t.is_floating_point() && whole ? at::Scalar(static_cast<int64_t>(value)) : at::Scalar(value);
}

// Dtype codes shared with the C# enum ScalarType: they are ATen's own ScalarType values.
inline at::ScalarType dtype(int32_t code) {
    switch (code) {
        case static_cast<int32_t>(at::kByte):
        case static_cast<int32_t>(at::kInt):
        case static_cast<int32_t>(at::kLong):
        case static_cast<int32_t>(at::kHalf):
        case static_cast<int32_t>(at::kFloat):
        case static_cast<int32_t>(at::kDouble):
        case static_cast<int32_t>(at::kBool):
        case static_cast<int32_t>(at::kBFloat16):
            return static_cast<at::ScalarType>(code);
        default:
            TORCH_CHECK(false, "unsupported dtype code ", code);
    }
}

// Device codes: 0 = cpu, 1 = cuda (ATen's DeviceType values).
inline at::Device device(int32_t type, int32_t index) {
    TORCH_CHECK(type == 0 || type == 1, "unsupported device type code ", type);
    return at::Device(static_cast<at::DeviceType>(type), static_cast<c10::DeviceIndex>(index));
}

inline at::TensorOptions options(int32_t dtype_code, int32_t device_type, int32_t device_index) {
    return at::TensorOptions().dtype(dtype(dtype_code)).device(device(device_type, device_index));
}

inline void set_error(const char* message) {
    try {
        last_error() = message;
    } catch (...) {
        // Out of memory while recording an error: the status code still says it failed.
    }
}

template <class Body>
int32_t guarded(Body&& body) noexcept {
    try {
        body();
        return 0;
    } catch (const c10::Error& e) {
        set_error(e.what_without_backtrace());
    } catch (const std::exception& e) {
        set_error(e.what());
    } catch (...) {
        set_error("unknown native error");
    }
    return -1;
}

// Runs a body that makes one tensor and stores its handle in *out.
template <class Body>
int32_t make(Handle* out, Body&& body) noexcept {
    return guarded([&] {
        TORCH_CHECK(out != nullptr, "a null output pointer was passed");
        *out = nullptr;
        *out = wrap(body());
    });
}

}  // namespace te
