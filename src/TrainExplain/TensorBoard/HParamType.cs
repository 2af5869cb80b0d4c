namespace TrainExplain.TensorBoard;

/// <summary>The type of a hyperparameter's value; the numbers are those of the HParams plugin's <c>DataType</c>.</summary>
public enum HParamType
{
    /// <summary>Text, e.g. an architecture's name.</summary>
    String = 1,

    /// <summary>True or false.</summary>
    Bool = 2,

    /// <summary>A finite number (stored as a double), e.g. a learning rate or a batch size.</summary>
    Number = 3,
}
