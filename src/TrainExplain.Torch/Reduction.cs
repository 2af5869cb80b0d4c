namespace TrainExplain.Torch;

/// <summary>How a loss reduces over the batch; the values are ATen's reduction codes.</summary>
public enum Reduction
{
    /// <summary>One loss per element.</summary>
    None = 0,
    /// <summary>The mean over the batch (PyTorch's default).</summary>
    Mean = 1,
    /// <summary>The sum over the batch.</summary>
    Sum = 2,
}
