namespace MnistTrainer;

/// <summary>Fashion-MNIST's ten class names (Xiao, Rasul and Vollgraf 2017), index by index, for the pictures' labels.</summary>
internal static class FashionMnistClasses
{
    internal static IReadOnlyList<string> Names { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The names when <paramref name="dataDirectory"/> is a Fashion-MNIST folder (its path says so), else null: MNIST's digits are named by their index.</summary>
    internal static IReadOnlyList<string>? For(string dataDirectory) =>
        dataDirectory.Contains("fashion", StringComparison.OrdinalIgnoreCase) ? Names : null;
}
