namespace TrainExplain.Torch;

public static partial class torch
{
    /// <summary>Optimizers, as <c>torch.optim</c>.</summary>
    public static class optim
    {
        /// <summary>Stochastic gradient descent; see <see cref="Optim.SGD"/>.</summary>
        public static Optim.SGD SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
            double weight_decay = 0, bool nesterov = false) => new(parameters, lr, momentum, dampening, weight_decay, nesterov);

        /// <summary>Adam; see <see cref="Optim.Adam"/>.</summary>
        public static Optim.Adam Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
            double eps = 1e-8, double weight_decay = 0, bool amsgrad = false) => new(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad);
    }
}
