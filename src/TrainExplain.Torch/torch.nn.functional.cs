using TrainExplain.Torch.Native;

namespace TrainExplain.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// Stateless layers, as <c>torch.nn.functional</c>. Spatial arguments are square (one value for height and width),
        /// which is what the built-in modules use.
        /// </summary>
        public static unsafe class functional
        {
            private static Tensor Wrap(int status, nint result)
            {
                NativeError.Check(status);
                return new Tensor(result);
            }

            /// <summary>2-D convolution of [N, C, H, W] with weight [K, C/groups, kh, kw] and optional bias [K].</summary>
            public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long dilation = 1, long groups = 1)
            {
                ArgumentNullException.ThrowIfNull(input);
                ArgumentNullException.ThrowIfNull(weight);
                RequireRank(input, 4, "conv2d", "[N, C, H, W]");
                long* s = stackalloc long[] { stride, stride };
                long* p = stackalloc long[] { padding, padding };
                long* d = stackalloc long[] { dilation, dilation };
                nint result;
                return Wrap(NativeMethods.te_conv2d(input.Handle, weight.Handle, Tensor.HandleOf(bias), s, p, d, groups, &result), result);
            }

            /// <summary>x W^T + b.</summary>
            public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null)
            {
                ArgumentNullException.ThrowIfNull(input);
                ArgumentNullException.ThrowIfNull(weight);
                nint result;
                return Wrap(NativeMethods.te_linear(input.Handle, weight.Handle, Tensor.HandleOf(bias), &result), result);
            }

            /// <summary>Max pooling over square windows (stride defaults to the kernel size).</summary>
            public static Tensor max_pool2d(Tensor input, long kernel_size, long? stride = null, long padding = 0, long dilation = 1, bool ceil_mode = false)
            {
                ArgumentNullException.ThrowIfNull(input);
                var st = stride ?? kernel_size;
                long* k = stackalloc long[] { kernel_size, kernel_size };
                long* s = stackalloc long[] { st, st };
                long* p = stackalloc long[] { padding, padding };
                long* d = stackalloc long[] { dilation, dilation };
                nint result;
                return Wrap(NativeMethods.te_max_pool2d(input.Handle, k, s, p, d, ceil_mode ? 1 : 0, &result), result);
            }

            /// <summary>Average pooling over square windows (stride defaults to the kernel size).</summary>
            public static Tensor avg_pool2d(Tensor input, long kernel_size, long? stride = null, long padding = 0, bool ceil_mode = false, bool count_include_pad = true)
            {
                ArgumentNullException.ThrowIfNull(input);
                var st = stride ?? kernel_size;
                long* k = stackalloc long[] { kernel_size, kernel_size };
                long* s = stackalloc long[] { st, st };
                long* p = stackalloc long[] { padding, padding };
                nint result;
                return Wrap(NativeMethods.te_avg_pool2d(input.Handle, k, s, p, ceil_mode ? 1 : 0, count_include_pad ? 1 : 0, &result), result);
            }

            /// <summary>Average pooling to an output of height x width.</summary>
            public static Tensor adaptive_avg_pool2d(Tensor input, long height, long width)
            {
                ArgumentNullException.ThrowIfNull(input);
                long* size = stackalloc long[] { height, width };
                nint result;
                return Wrap(NativeMethods.te_adaptive_avg_pool2d(input.Handle, size, &result), result);
            }

            /// <summary>Zeroes elements with probability p and scales the rest by 1/(1-p) when <paramref name="training"/>.</summary>
            public static Tensor dropout(Tensor input, double p = 0.5, bool training = true)
            {
                ArgumentNullException.ThrowIfNull(input);
                if (p is < 0 or > 1 || double.IsNaN(p))
                {
                    throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must lie in [0, 1].");
                }
                nint result;
                return Wrap(NativeMethods.te_dropout(input.Handle, p, training ? 1 : 0, &result), result);
            }

            /// <summary>Batch normalization; in training mode the running statistics are updated in place with <paramref name="momentum"/>.</summary>
            public static Tensor batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight = null, Tensor? bias = null,
                bool training = false, double momentum = 0.1, double eps = 1e-5)
            {
                ArgumentNullException.ThrowIfNull(input);
                if (training && input.ndim >= 2 && input.Shape.Where((_, d) => d != 1).Aggregate(1L, (product, size) => product * size) == 1)
                {
                    // As PyTorch's F.batch_norm: the unbiased variance of one value divides by zero and poisons running_var.
                    throw new ArgumentException($"Expected more than 1 value per channel when training, got input size [{string.Join(", ", input.Shape)}].", nameof(input));
                }
                nint result;
                return Wrap(NativeMethods.te_batch_norm(input.Handle, Tensor.HandleOf(weight), Tensor.HandleOf(bias),
                    Tensor.HandleOf(running_mean), Tensor.HandleOf(running_var), training ? 1 : 0, momentum, eps, &result), result);
            }

            /// <summary>max(x, 0).</summary>
            public static Tensor relu(Tensor input) => input.relu();

            /// <summary>Softmax along <paramref name="dim"/>.</summary>
            public static Tensor softmax(Tensor input, long dim)
            {
                ArgumentNullException.ThrowIfNull(input);
                nint result;
                return Wrap(NativeMethods.te_softmax(0, input.Handle, dim, &result), result);
            }

            /// <summary>Log of the softmax along <paramref name="dim"/>, computed stably.</summary>
            public static Tensor log_softmax(Tensor input, long dim)
            {
                ArgumentNullException.ThrowIfNull(input);
                nint result;
                return Wrap(NativeMethods.te_softmax(1, input.Handle, dim, &result), result);
            }

            /// <summary>Cross-entropy of logits [N, K] against int64 class indices [N].</summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
                long ignore_index = -100, double label_smoothing = 0)
            {
                ArgumentNullException.ThrowIfNull(input);
                ArgumentNullException.ThrowIfNull(target);
                nint result;
                return Wrap(NativeMethods.te_cross_entropy(input.Handle, target.Handle, Tensor.HandleOf(weight), (long)reduction, ignore_index, label_smoothing, &result), result);
            }

            /// <summary>Negative log-likelihood of log-probabilities [N, K] against int64 class indices [N].</summary>
            public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignore_index = -100)
            {
                ArgumentNullException.ThrowIfNull(input);
                ArgumentNullException.ThrowIfNull(target);
                nint result;
                return Wrap(NativeMethods.te_nll_loss(input.Handle, target.Handle, Tensor.HandleOf(weight), (long)reduction, ignore_index, &result), result);
            }

            /// <summary>Mean squared error.</summary>
            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
            {
                ArgumentNullException.ThrowIfNull(input);
                ArgumentNullException.ThrowIfNull(target);
                nint result;
                return Wrap(NativeMethods.te_mse_loss(input.Handle, target.Handle, (long)reduction, &result), result);
            }

            /// <summary>Resizes [N, C, H, W] to height x width, bilinearly (the default) or by nearest neighbour.</summary>
            public static Tensor interpolate(Tensor input, long height, long width, InterpolationMode mode = InterpolationMode.Bilinear, bool align_corners = false)
            {
                ArgumentNullException.ThrowIfNull(input);
                RequireRank(input, 4, "interpolate", "[N, C, H, W]");
                if (height <= 0 || width <= 0)
                {
                    throw new ArgumentException($"interpolate needs a positive output size, got {height}x{width}.");
                }
                if (align_corners && mode != InterpolationMode.Bilinear)
                {
                    // As PyTorch: corner alignment means nothing to nearest-neighbour sampling, and was silently ignored.
                    throw new ArgumentException($"The align_corners option applies to {InterpolationMode.Bilinear} interpolation only, not {mode}.", nameof(align_corners));
                }
                nint result;
                return Wrap(NativeMethods.te_interpolate(input.Handle, height, width, (int)mode, align_corners ? 1 : 0, &result), result);
            }

            /// <summary>Pads the last dimensions with a constant: pads = (left, right, top, bottom, ...), as torch.nn.functional.pad.</summary>
            public static Tensor pad(Tensor input, ReadOnlySpan<long> pads, double value = 0)
            {
                ArgumentNullException.ThrowIfNull(input);
                nint result;
                fixed (long* p = pads)
                {
                    return Wrap(NativeMethods.te_constant_pad(input.Handle, p, pads.Length, value, &result), result);
                }
            }

            private static void RequireRank(Tensor input, int rank, string operation, string layout)
            {
                if (input.ndim != rank)
                {
                    throw new ArgumentException($"{operation} expects a {rank}-D input {layout}, got shape [{string.Join(", ", input.Shape)}].", nameof(input));
                }
            }
        }
    }
}
