using System.Globalization;

namespace TrainExplain.TensorBoard;

/// <summary>
/// A hyperparameter's value as TensorBoard's HParams plugin stores it (a <c>google.protobuf.Value</c>): a string, a bool
/// or a number. Strings, bools and numbers (<c>int</c>, <c>long</c>, <c>float</c> and <c>double</c>) convert implicitly,
/// so <c>new HParam("batch_size", 64)</c> reads as it should.
/// </summary>
public readonly record struct HParamValue
{
    private HParamValue(HParamType type, string? text, double number, bool flag) => (Type, String, Number, Bool) = (type, text, number, flag);

    /// <summary>Which of <see cref="String"/>, <see cref="Bool"/> and <see cref="Number"/> holds the value (0 for <c>default</c>, which holds none).</summary>
    public HParamType Type { get; }

    /// <summary>The value of a <see cref="HParamType.String"/>.</summary>
    public string? String { get; }

    /// <summary>The value of a <see cref="HParamType.Number"/>.</summary>
    public double Number { get; }

    /// <summary>The value of a <see cref="HParamType.Bool"/>.</summary>
    public bool Bool { get; }

    /// <summary>A string value.</summary>
    public static implicit operator HParamValue(string value) => new(HParamType.String, value, 0, false);

    /// <summary>A number; it must be finite when it is written.</summary>
    public static implicit operator HParamValue(double value) => new(HParamType.Number, null, value, false);

    /// <summary>A bool value.</summary>
    public static implicit operator HParamValue(bool value) => new(HParamType.Bool, null, 0, value);

    /// <summary>The value as text (numbers in the invariant culture, round-trippable).</summary>
    public override string ToString() => Type switch
    {
        HParamType.String => String ?? "",
        HParamType.Bool => Bool ? "true" : "false",
        HParamType.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        _ => "",
    };
}
