namespace TrainExplain.Torch.Tests.Support;

/// <summary>
/// Reference layers written as plain nested loops over row-major [N, C, H, W] arrays, straight from the definitions in
/// PyTorch's documentation; the functional tests compare libtorch against them.
/// </summary>
internal static class PlainLoops
{
    /// <summary>The output side of a window sweep: floor((size + 2 padding - dilation (kernel - 1) - 1) / stride) + 1.</summary>
    public static int OutputSize(int size, int kernel, int stride, int padding, int dilation = 1) =>
        (size + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;

    /// <summary>
    /// y[n, o, i, j] = bias[o] + sum over c, a, b of x[n, c, i s - p + a d, j s - p + b d] w[o, c, a, b]
    /// (zero outside the input), with weight [O, C, K, K].
    /// </summary>
    public static double[] Conv2d(double[] x, (int N, int C, int H, int W) s, double[] weight, int outChannels, int kernel,
        double[]? bias, int stride, int padding, int dilation = 1)
    {
        int ho = OutputSize(s.H, kernel, stride, padding, dilation), wo = OutputSize(s.W, kernel, stride, padding, dilation);
        double[] y = new double[s.N * outChannels * ho * wo];
        for (int n = 0; n < s.N; n++)
        {
            for (int o = 0; o < outChannels; o++)
            {
                for (int i = 0; i < ho; i++)
                {
                    for (int j = 0; j < wo; j++)
                    {
                        double sum = bias?[o] ?? 0;
                        ForEachTap(s, kernel, stride, padding, dilation, i, j, (c, a, b, xi, xj) =>
                            sum += x[Index(s, n, c, xi, xj)] * weight[((o * s.C + c) * kernel + a) * kernel + b]);
                        y[((n * outChannels + o) * ho + i) * wo + j] = sum;
                    }
                }
            }
        }

        return y;
    }

    /// <summary>
    /// The gradients of sum(Conv2d(x) * g) with respect to x and to the weight (bias: the sum of g over n, i, j), by the
    /// chain rule applied to each term of the forward sum.
    /// </summary>
    public static (double[] Input, double[] Weight) Conv2dBackward(double[] x, (int N, int C, int H, int W) s, double[] weight,
        int outChannels, int kernel, double[] g, int stride, int padding)
    {
        int ho = OutputSize(s.H, kernel, stride, padding), wo = OutputSize(s.W, kernel, stride, padding);
        double[] gx = new double[x.Length], gw = new double[weight.Length];
        for (int n = 0; n < s.N; n++)
        {
            for (int o = 0; o < outChannels; o++)
            {
                for (int i = 0; i < ho; i++)
                {
                    for (int j = 0; j < wo; j++)
                    {
                        double upstream = g[((n * outChannels + o) * ho + i) * wo + j];
                        ForEachTap(s, kernel, stride, padding, 1, i, j, (c, a, b, xi, xj) =>
                        {
                            int wIndex = ((o * s.C + c) * kernel + a) * kernel + b, xIndex = Index(s, n, c, xi, xj);
                            gx[xIndex] += upstream * weight[wIndex];
                            gw[wIndex] += upstream * x[xIndex];
                        });
                    }
                }
            }
        }

        return (gx, gw);
    }

    /// <summary>Max over each window (padding never wins), and the flat input index of the first maximum of each window.</summary>
    public static (double[] Values, int[] ArgMax) MaxPool2d(double[] x, (int N, int C, int H, int W) s, int kernel, int stride, int padding)
    {
        int ho = OutputSize(s.H, kernel, stride, padding), wo = OutputSize(s.W, kernel, stride, padding);
        double[] y = new double[s.N * s.C * ho * wo];
        int[] arg = new int[y.Length];
        for (int n = 0; n < s.N; n++)
        {
            for (int c = 0; c < s.C; c++)
            {
                for (int i = 0; i < ho; i++)
                {
                    for (int j = 0; j < wo; j++)
                    {
                        double best = double.NegativeInfinity;
                        int bestIndex = -1;
                        for (int a = 0; a < kernel; a++)
                        {
                            for (int b = 0; b < kernel; b++)
                            {
                                int xi = i * stride - padding + a, xj = j * stride - padding + b;
                                if (xi >= 0 && xi < s.H && xj >= 0 && xj < s.W && x[Index(s, n, c, xi, xj)] > best)
                                {
                                    best = x[Index(s, n, c, xi, xj)];
                                    bestIndex = Index(s, n, c, xi, xj);
                                }
                            }
                        }

                        int outIndex = ((n * s.C + c) * ho + i) * wo + j;
                        y[outIndex] = best;
                        arg[outIndex] = bestIndex;
                    }
                }
            }
        }

        return (y, arg);
    }

    /// <summary>Mean over each window; padding counts as zeros in the divisor when <paramref name="countIncludePad"/>.</summary>
    public static double[] AvgPool2d(double[] x, (int N, int C, int H, int W) s, int kernel, int stride, int padding, bool countIncludePad)
    {
        int ho = OutputSize(s.H, kernel, stride, padding), wo = OutputSize(s.W, kernel, stride, padding);
        double[] y = new double[s.N * s.C * ho * wo];
        for (int n = 0; n < s.N; n++)
        {
            for (int c = 0; c < s.C; c++)
            {
                for (int i = 0; i < ho; i++)
                {
                    for (int j = 0; j < wo; j++)
                    {
                        double sum = 0;
                        int inside = 0;
                        for (int a = 0; a < kernel; a++)
                        {
                            for (int b = 0; b < kernel; b++)
                            {
                                int xi = i * stride - padding + a, xj = j * stride - padding + b;
                                if (xi >= 0 && xi < s.H && xj >= 0 && xj < s.W)
                                {
                                    sum += x[Index(s, n, c, xi, xj)];
                                    inside++;
                                }
                            }
                        }

                        y[((n * s.C + c) * ho + i) * wo + j] = sum / (countIncludePad ? kernel * kernel : inside);
                    }
                }
            }
        }

        return y;
    }

    /// <summary>Adaptive average pooling: output cell i averages rows floor(i H / h) to ceil((i + 1) H / h) - 1, likewise columns.</summary>
    public static double[] AdaptiveAvgPool2d(double[] x, (int N, int C, int H, int W) s, int height, int width)
    {
        double[] y = new double[s.N * s.C * height * width];
        for (int n = 0; n < s.N; n++)
        {
            for (int c = 0; c < s.C; c++)
            {
                for (int i = 0; i < height; i++)
                {
                    for (int j = 0; j < width; j++)
                    {
                        int r0 = i * s.H / height, r1 = ((i + 1) * s.H + height - 1) / height;
                        int c0 = j * s.W / width, c1 = ((j + 1) * s.W + width - 1) / width;
                        double sum = 0;
                        for (int r = r0; r < r1; r++)
                        {
                            for (int q = c0; q < c1; q++)
                            {
                                sum += x[Index(s, n, c, r, q)];
                            }
                        }

                        y[((n * s.C + c) * height + i) * width + j] = sum / ((r1 - r0) * (c1 - c0));
                    }
                }
            }
        }

        return y;
    }

    private static int Index((int N, int C, int H, int W) s, int n, int c, int i, int j) => ((n * s.C + c) * s.H + i) * s.W + j;

    // Calls tap(c, a, b, xi, xj) for every kernel tap of output cell (i, j) that lands inside the input.
    private static void ForEachTap((int N, int C, int H, int W) s, int kernel, int stride, int padding, int dilation, int i, int j,
        Action<int, int, int, int, int> tap)
    {
        for (int c = 0; c < s.C; c++)
        {
            for (int a = 0; a < kernel; a++)
            {
                for (int b = 0; b < kernel; b++)
                {
                    int xi = i * stride - padding + a * dilation, xj = j * stride - padding + b * dilation;
                    if (xi >= 0 && xi < s.H && xj >= 0 && xj < s.W)
                    {
                        tap(c, a, b, xi, xj);
                    }
                }
            }
        }
    }
}
