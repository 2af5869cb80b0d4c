// Autograd: backward, torch.autograd.grad and the thread-local grad mode.
#include "shim.h"

#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <vector>

using te::Handle;

TE_API int32_t te_backward(Handle output, Handle grad_output, int32_t retain_graph, int32_t create_graph) {
    return te::guarded([&] {
        const auto retain = retain_graph ? c10::optional<bool>(true) : c10::optional<bool>(create_graph != 0);
        te::ref(output).backward(grad_output ? *grad_output : at::Tensor(), retain, create_graph != 0);
    });
}

// grad_outputs may be null, or hold null entries ("ones for a scalar output"). Writes one handle per input into
// results; an unused input gives a null handle when allow_unused is set.
TE_API int32_t te_autograd_grad(const Handle* outputs, int32_t n_outputs, const Handle* inputs, int32_t n_inputs,
                                const Handle* grad_outputs, int32_t retain_graph, int32_t create_graph,
                                int32_t allow_unused, Handle* results) {
    return te::guarded([&] {
        TORCH_CHECK(n_outputs > 0 && n_inputs > 0, "autograd.grad needs at least one output and one input");
        std::vector<at::Tensor> outs, ins, grads;
        for (int32_t i = 0; i < n_outputs; ++i) {
            outs.push_back(te::ref(outputs[i]));
            grads.push_back(grad_outputs && grad_outputs[i] ? *grad_outputs[i] : at::Tensor());
        }
        for (int32_t i = 0; i < n_inputs; ++i) ins.push_back(te::ref(inputs[i]));
        const auto retain = retain_graph ? c10::optional<bool>(true) : c10::optional<bool>(create_graph != 0);
        auto computed = torch::autograd::grad(outs, ins, grads, retain, create_graph != 0, allow_unused != 0);
        // Wrap all results only after grad() succeeded, so an error leaves no handle behind.
        for (int32_t i = 0; i < n_inputs; ++i) results[i] = nullptr;
        for (int32_t i = 0; i < n_inputs; ++i) results[i] = te::wrap(computed[static_cast<size_t>(i)]);
    });
}

// Sets the thread's grad mode and returns the previous one (1 enabled, 0 disabled).
TE_API int32_t te_set_grad_enabled(int32_t enabled) {
    const bool previous = c10::GradMode::is_enabled();
    c10::GradMode::set_enabled(enabled != 0);
    return previous ? 1 : 0;
}

TE_API int32_t te_is_grad_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }
