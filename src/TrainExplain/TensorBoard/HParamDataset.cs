namespace TrainExplain.TensorBoard;

/// <summary>The data a metric is computed on; the numbers are those of the HParams plugin's <c>DatasetType</c>.</summary>
public enum HParamDataset
{
    /// <summary>Not said.</summary>
    Unknown = 0,

    /// <summary>The training data.</summary>
    Training = 1,

    /// <summary>The validation data.</summary>
    Validation = 2,
}
