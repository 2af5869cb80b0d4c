using TrainExplain.Torch.Modules;

namespace TrainExplain.Torch;

public static partial class torch
{
    /// <summary>Layers and losses, as <c>torch.nn</c>: factories of the classes in <see cref="Modules"/>.</summary>
    public static partial class nn
    {
        /// <summary>Makes <paramref name="data"/> a trainable leaf (requires grad, detached from dispose scopes).</summary>
        public static Tensor Parameter(Tensor data)
        {
            ArgumentNullException.ThrowIfNull(data);
            return data.DetachFromDisposeScope().requires_grad_(true);
        }

        /// <summary>2-D convolution; see <see cref="Modules.Conv2d"/>.</summary>
        public static Modules.Conv2d Conv2d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0,
            long dilation = 1, long groups = 1, bool bias = true, Device? device = null) =>
            new(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, device);

        /// <summary>Fully connected layer; see <see cref="Modules.Linear"/>.</summary>
        public static Modules.Linear Linear(long in_features, long out_features, bool bias = true, Device? device = null) =>
            new(in_features, out_features, bias, device);

        /// <summary>Rectified linear unit.</summary>
        public static Modules.ReLU ReLU() => new();

        /// <summary>Max pooling; see <see cref="Modules.MaxPool2d"/>.</summary>
        public static Modules.MaxPool2d MaxPool2d(long kernel_size, long? stride = null, long padding = 0) => new(kernel_size, stride, padding);

        /// <summary>Batch normalization over channels; see <see cref="Modules.BatchNorm2d"/>.</summary>
        public static Modules.BatchNorm2d BatchNorm2d(long num_features, double eps = 1e-5, double momentum = 0.1, bool affine = true, Device? device = null) =>
            new(num_features, eps, momentum, affine, device);

        /// <summary>Average pooling; see <see cref="Modules.AvgPool2d"/>.</summary>
        public static Modules.AvgPool2d AvgPool2d(long kernel_size, long? stride = null, long padding = 0) => new(kernel_size, stride, padding);

        /// <summary>Average pooling to a fixed output size; see <see cref="Modules.AdaptiveAvgPool2d"/>.</summary>
        public static Modules.AdaptiveAvgPool2d AdaptiveAvgPool2d(long h, long w) => new(h, w);

        /// <summary>Flattens all but the batch dimension.</summary>
        public static Modules.Flatten Flatten(long start_dim = 1, long end_dim = -1) => new(start_dim, end_dim);

        /// <summary>Dropout with probability <paramref name="p"/>.</summary>
        public static Modules.Dropout Dropout(double p = 0.5) => new(p);

        /// <summary>Cross-entropy of logits against class indices.</summary>
        public static Modules.CrossEntropyLoss CrossEntropyLoss(Reduction reduction = Reduction.Mean, double label_smoothing = 0) => new(reduction, label_smoothing);

        /// <summary>Mean squared error.</summary>
        public static Modules.MSELoss MSELoss(Reduction reduction = Reduction.Mean) => new(reduction);

        /// <summary>Children run in order, named "0", "1", ...</summary>
        public static Modules.Sequential Sequential(params Module[] modules) => new(modules);

        /// <summary>Children run in order under the given names.</summary>
        public static Modules.Sequential Sequential(params (string name, Module module)[] modules) => new(modules);
    }
}
