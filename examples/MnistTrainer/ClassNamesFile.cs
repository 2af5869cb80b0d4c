using System.Text;

namespace MnistTrainer;

/// <summary>Class names from a text file, one per line (<c>--classes</c>), and the names a run uses when none is given.</summary>
internal static class ClassNamesFile
{
    /// <summary>
    /// The names of <paramref name="path"/>: UTF-8, one name per line (line i names class i - 1), a final newline
    /// allowed; exactly <paramref name="classes"/> of them, the model's output count.
    /// </summary>
    /// <exception cref="ArgumentException">A line is blank, or the count differs; the message names the flag, file and line.</exception>
    /// <exception cref="InvalidDataException">The file is not valid UTF-8.</exception>
    internal static IReadOnlyList<string> Load(string path, int classes)
    {
        InputPaths.RequireFile("--classes", path);
        string text;
        try
        {
            // Strict decoding: a Latin-1 file would otherwise show replacement characters in every label.
            text = File.ReadAllText(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"--classes {path} is not UTF-8 text: {e.Message}", e);
        }
        var names = Parse(text, $"--classes {path}");
        return names.Count == classes ? names
            : throw new ArgumentException($"--classes {path} names {names.Count} classes; the model has {classes} (one name per line, line i for class i - 1).");
    }

    /// <summary>One name per line of <paramref name="text"/>, a final newline allowed; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ArgumentException">A line is blank.</exception>
    internal static IReadOnlyList<string> Parse(string text, string source)
    {
        var normalized = text.TrimStart('\uFEFF').ReplaceLineEndings("\n");
        var lines = normalized.Split('\n');
        var names = normalized.EndsWith('\n') ? lines[..^1] : lines;
        for (var i = 0; i < names.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                throw new ArgumentException($"{source}: line {i + 1} is blank; each line names one class (class {i} here).");
            }
        }
        return [.. names.Select(n => n.Trim())];
    }

    /// <summary>
    /// The names of the figure's labels and the saved metadata: <paramref name="path"/>'s when given; otherwise ImageNet's
    /// for a torchvision model with 1000 classes; otherwise <paramref name="fallback"/> (Fashion-MNIST's for such data, or
    /// null for class indices).
    /// </summary>
    internal static IReadOnlyList<string>? Resolve(string? path, Models.Architecture architecture, int classes, Func<IReadOnlyList<string>?> fallback) =>
        path is not null ? Load(path, classes)
        : architecture.IsTorchVision && classes == ImageNetClassCount ? ImageNetClasses.Names
        : fallback();

    private const int ImageNetClassCount = 1000;
}
