using TrainExplain.Torch.Native;

namespace TrainExplain.Torch;

public static partial class torch
{
    /// <summary>Reverse-mode differentiation, as <c>torch.autograd</c>.</summary>
    public static class autograd
    {
        /// <summary>
        /// The gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>, as
        /// <c>torch.autograd.grad</c>: one result per input (null for an unused input when <paramref name="allow_unused"/>).
        /// </summary>
        /// <param name="outputs">Differentiated tensors.</param>
        /// <param name="inputs">Tensors to differentiate with respect to (leaves or intermediate activations).</param>
        /// <param name="grad_outputs">One vector per output for the vector-Jacobian product; null, or a null entry, means ones for a scalar output.</param>
        /// <param name="retain_graph">Keep the graph for another backward pass (default: <paramref name="create_graph"/>).</param>
        /// <param name="create_graph">Record the gradient computation, for higher-order derivatives.</param>
        /// <param name="allow_unused">Return null for inputs the outputs do not depend on instead of failing.</param>
        public static unsafe Tensor?[] grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs,
            IReadOnlyList<Tensor?>? grad_outputs = null, bool retain_graph = false, bool create_graph = false, bool allow_unused = false)
        {
            ArgumentNullException.ThrowIfNull(outputs);
            ArgumentNullException.ThrowIfNull(inputs);
            if (outputs.Count == 0 || inputs.Count == 0)
            {
                throw new ArgumentException("autograd.grad needs at least one output and one input.");
            }
            if (grad_outputs is not null && grad_outputs.Count != outputs.Count)
            {
                throw new ArgumentException($"grad_outputs has {grad_outputs.Count} entries but there are {outputs.Count} outputs.", nameof(grad_outputs));
            }
            Span<nint> outs = outputs.Count <= 16 ? stackalloc nint[outputs.Count] : new nint[outputs.Count];
            Span<nint> grads = outputs.Count <= 16 ? stackalloc nint[outputs.Count] : new nint[outputs.Count];
            Span<nint> ins = inputs.Count <= 16 ? stackalloc nint[inputs.Count] : new nint[inputs.Count];
            Span<nint> results = inputs.Count <= 16 ? stackalloc nint[inputs.Count] : new nint[inputs.Count];
            for (var i = 0; i < outputs.Count; i++)
            {
                outs[i] = outputs[i].Handle;
                grads[i] = Tensor.HandleOf(grad_outputs?[i]);
            }
            for (var i = 0; i < inputs.Count; i++)
            {
                ins[i] = inputs[i].Handle;
            }
            fixed (nint* o = outs, g = grads, n = ins, r = results)
            {
                NativeError.Check(NativeMethods.te_autograd_grad(o, outs.Length, n, ins.Length, g,
                    retain_graph ? 1 : 0, create_graph ? 1 : 0, allow_unused ? 1 : 0, r));
            }
            var gradients = new Tensor?[inputs.Count];
            for (var i = 0; i < gradients.Length; i++)
            {
                gradients[i] = Tensor.WrapOrNull(results[i]);
            }
            return gradients;
        }

        /// <summary>The gradient of one output with respect to one input (a scalar output unless <paramref name="grad_output"/> is given).</summary>
        public static Tensor grad(Tensor output, Tensor input, Tensor? grad_output = null, bool retain_graph = false, bool create_graph = false) =>
            grad([output], [input], [grad_output], retain_graph, create_graph)[0]!;
    }
}
