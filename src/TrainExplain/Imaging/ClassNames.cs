using System.Globalization;

namespace TrainExplain.Imaging;

/// <summary>A class index as the user named it, or as its number when no names were given.</summary>
internal static class ClassNames
{
    /// <summary>Rejects a list with a null or blank name, naming the option and the index.</summary>
    internal static void Check(IReadOnlyList<string>? names, string option)
    {
        for (var i = 0; i < (names?.Count ?? 0); i++)
        {
            if (string.IsNullOrWhiteSpace(names![i]))
            {
                throw new ArgumentException($"{option}[{i}] is blank; give every class a name (or no names, to show class indices).", option);
            }
        }
    }

    /// <summary>The name of class <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentException">Names were given but none for this class.</exception>
    internal static string Of(IReadOnlyList<string>? names, long index, string option) => names switch
    {
        null => index.ToString(CultureInfo.InvariantCulture),
        _ when index >= 0 && index < names.Count => names[(int)index],
        _ => throw new ArgumentException($"{option} has {names.Count} names (classes 0 to {names.Count - 1}), but the model's output has class {index}: give one name per class.", option),
    };
}
