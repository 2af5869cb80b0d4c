using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace MnistTrainer;

/// <summary>
/// Parsers of numeric options whose errors say, in plain words, what the flag takes ("--steps must be a whole number,
/// got 'NaN'."), where System.CommandLine's own name the .NET type (<c>System.Nullable`1[System.Int32]</c>).
/// </summary>
internal static class NumberParsers
{
    /// <summary>The option, parsing a whole number (int32).</summary>
    internal static Option<int> WholeNumber(this Option<int> option)
    {
        option.CustomParser = result => ParseWhole(result, option.Name) ?? 0;
        return option;
    }

    /// <inheritdoc cref="WholeNumber(Option{int})"/>
    internal static Option<int?> WholeNumber(this Option<int?> option)
    {
        option.CustomParser = result => ParseWhole(result, option.Name);
        return option;
    }

    /// <summary>The option, parsing a number (decimal or with an exponent, as 1e-3).</summary>
    internal static Option<double> Number(this Option<double> option)
    {
        option.CustomParser = result => ParseNumber(result, option.Name, double.MaxValue) ?? 0;
        return option;
    }

    /// <inheritdoc cref="Number(Option{double})"/>
    internal static Option<double?> Number(this Option<double?> option)
    {
        option.CustomParser = result => ParseNumber(result, option.Name, double.MaxValue);
        return option;
    }

    /// <inheritdoc cref="Number(Option{double})"/>
    internal static Option<float?> Number(this Option<float?> option)
    {
        option.CustomParser = result => ParseNumber(result, option.Name, float.MaxValue) is { } value ? (float)value : null;
        return option;
    }

    private static int? ParseWhole(ArgumentResult result, string flag)
    {
        var text = TokenOf(result);
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        result.AddError(long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? $"{flag} must be a whole number from {int.MinValue} to {int.MaxValue}, got '{text}'."
            : $"{flag} must be a whole number, got '{text}'.");
        return null;
    }

    private static double? ParseNumber(ArgumentResult result, string flag, double largest)
    {
        var text = TokenOf(result);
        // NaN passes: each command's range check names what the flag takes ("--lr must be a positive number ...").
        var parsed = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value);
        if (parsed && (double.IsNaN(value) || Math.Abs(value) <= largest))
        {
            return value;
        }
        result.AddError(!parsed
            ? $"{flag} must be a number, got '{text}'."
            : string.Create(CultureInfo.InvariantCulture, $"{flag} must be a number no larger than {largest:G3} in size, got '{text}'."));
        return null;
    }

    private static string TokenOf(ArgumentResult result) => result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
}
