namespace TrainExplain.Numerics;

/// <summary>
/// Every backward pass the library runs. It goes through <c>torch.autograd.backward</c> with <c>inputs</c>, which
/// accumulates into those tensors' <c>.grad</c> alone (the parameters' <c>.grad</c> that training accumulates is never
/// touched) and which TorchSharp guards: its <c>autograd.grad</c> lets a libtorch error end the process. What libtorch
/// would refuse is checked first, so the message names the cause; the pass runs in <see cref="NumericsGuard"/>'s region.
/// </summary>
internal static class Backward
{
    /// <summary>
    /// d(<paramref name="objective"/>)/d(each of <paramref name="wrt"/>): zeros for a tensor the objective does not reach.
    /// </summary>
    /// <param name="objective">A scalar.</param>
    /// <param name="wrt">Tensors that require grad, fresh for this pass (their <c>.grad</c> must be unset).</param>
    /// <param name="caller">Who asks, for messages (e.g. the explainer's name).</param>
    /// <exception cref="InvalidOperationException">The objective is not on an autograd graph.</exception>
    internal static Tensor[] Gradients(Tensor objective, IReadOnlyList<Tensor> wrt, string caller)
    {
        if (!objective.requires_grad)
        {
            throw new InvalidOperationException(
                $"{caller}: the score does not require grad, although the inputs were made to: the model's output is detached from its inputs (a .detach(), a no_grad block or a tensor built from host values inside its forward).");
        }
        using (NumericsGuard.BackwardPass())
        {
            torch.autograd.backward([objective], inputs: [.. wrt]);
        }
        return [.. wrt.Select(t => t.grad ?? torch.zeros_like(t))];
    }

    /// <summary>The training step's <c>loss.backward()</c>, into the parameters' <c>.grad</c>.</summary>
    /// <exception cref="InvalidOperationException">The loss is not on an autograd graph (no parameter requires grad).</exception>
    internal static void Loss(Tensor loss)
    {
        if (!loss.requires_grad)
        {
            throw new InvalidOperationException(
                "The loss does not require grad: no parameter of the model requires grad (is the whole model frozen?) or its forward detaches the output, so there is nothing to train.");
        }
        using (NumericsGuard.BackwardPass())
        {
            loss.backward();
        }
    }
}
