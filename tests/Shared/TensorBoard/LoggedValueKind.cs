namespace TrainExplain.Testing;

/// <summary>What a <see cref="LoggedValue"/> holds.</summary>
internal enum LoggedValueKind
{
    /// <summary>A value this reader does not decode (an unknown plugin or a legacy kind it does not read).</summary>
    Other,

    /// <summary>A scalar: <see cref="LoggedValue.Scalar"/>.</summary>
    Scalar,

    /// <summary>One legacy image: <see cref="LoggedValue.Image"/>.</summary>
    Image,

    /// <summary>Several images of the images plugin: <see cref="LoggedValue.Images"/>.</summary>
    Images,

    /// <summary>A histogram: <see cref="LoggedValue.Histogram"/>.</summary>
    Histogram,

    /// <summary>Text of the text plugin: <see cref="LoggedValue.Text"/>.</summary>
    Text,
}
