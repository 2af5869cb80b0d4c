namespace TrainExplain.Torch.Tests.Support;

/// <summary>Textbook formulas in double precision, shared by the tests that compare libtorch with them.</summary>
internal static class Formulas
{
    /// <summary>Row-wise exp(x_i - max) / sum_j exp(x_j - max) over consecutive rows of <paramref name="width"/> values.</summary>
    public static double[] Softmax(double[] logits, int width)
    {
        double[] result = new double[logits.Length];
        for (int row = 0; row < logits.Length; row += width)
        {
            double max = logits.Skip(row).Take(width).Max();
            double sum = logits.Skip(row).Take(width).Sum(v => Math.Exp(v - max));
            for (int k = 0; k < width; k++)
            {
                result[row + k] = Math.Exp(logits[row + k] - max) / sum;
            }
        }

        return result;
    }
}
