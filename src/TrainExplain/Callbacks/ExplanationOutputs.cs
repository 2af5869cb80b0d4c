using System.Globalization;
using System.Text;
using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.TensorBoard;

namespace TrainExplain.Callbacks;

/// <summary>
/// Where an image-writing callback's pictures go, and how: each explanation's tiles are rendered once, composed into a
/// labeled figure (caption, tiles, color bar) and PNG-encoded once, then logged under its tag, optionally as samples,
/// with the call's time as <c>time/explain_ms/&lt;Name&gt;</c>, and saved as <c>&lt;imageFolder&gt;/&lt;folder of the tag&gt;/epoch_NNN.png</c>.
/// It keeps the first images' small tiles of every epoch, so that <see cref="WriteEvolutions"/> can show at the end of
/// training how each method's explanations changed.
/// </summary>
internal sealed class ExplanationOutputs(TensorBoardWriter? writer, string? imageFolder, RenderOptions render, bool writeSamples)
{
    /// <summary>The side, in pixels, an evolution figure enlarges its tiles towards (never beyond <see cref="RenderOptions.Upscale"/>).</summary>
    private const int EvolutionCellPixels = 128;

    private readonly Dictionary<string, ExplanationHistory> histories = [];

    /// <summary>The tag of a method's grid: <c>explain/&lt;Name&gt;</c>.</summary>
    internal static string TagOf(string name) => $"explain/{name}";

    /// <summary>The tag of a method's time per call, in milliseconds: <c>time/explain_ms/&lt;Name&gt;</c>.</summary>
    internal static string TimeTagOf(string name) => $"time/explain_ms/{name}";

    /// <summary>The tag of a grid's evolution figure: <c>explain/&lt;Name&gt;/evolution</c>.</summary>
    internal static string EvolutionTagOf(string tag) => $"{tag}/evolution";

    /// <summary>The PNG folder of a tag: the part after <c>explain/</c>, lower case, <c>[layer]</c> as <c>-layer</c>, other characters not safe in a file name as '_' (<c>explain/GradCam[conv1]</c> gives <c>gradcam-conv1</c>).</summary>
    internal static string FolderOf(string tag)
    {
        var name = tag.StartsWith("explain/", StringComparison.Ordinal) ? tag["explain/".Length..] : tag;
        var folder = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            folder.Append(c switch
            {
                '[' => '-',
                ']' => '\0',
                _ when char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' => c,
                _ => '_',
            });
        }
        return folder.Replace("\0", "").ToString();
    }

    /// <summary>Writes <paramref name="explanation"/> of the method <paramref name="name"/> under its tag (<see cref="TagOf"/>) for <paramref name="epoch"/>, each tile with its label in <paramref name="labels"/> (if given).</summary>
    internal void Write(string name, Explanation explanation, int epoch, string description, IReadOnlyList<TileLabel>? labels)
    {
        var tag = TagOf(name);
        var tiles = explanation.RenderImages(render);
        var figure = EncodedImage.Encode(explanation.ComposeFigure(tiles, labels, string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}: {explanation.Caption}"), render));
        if (writer is not null)
        {
            writer.AddImage(tag, figure, epoch, description: description);
            if (writeSamples)
            {
                writer.AddImageSamples($"{tag}/samples", tiles, epoch, description: $"{description} One sample per image, unlabeled.");
            }
            writer.AddScalar(TimeTagOf(name), (float)explanation.Elapsed.TotalMilliseconds, epoch,
                displayName: $"Explanation time (ms), {name}", description: $"Milliseconds that {explanation.Method} took on the batch, host copy included (in a shared pass, its share); drawing and writing the pictures not included.");
        }
        Save(tag, string.Create(CultureInfo.InvariantCulture, $"epoch_{epoch:D3}.png"), figure);
        Remember(tag, explanation, epoch, labels);
    }

    /// <summary>
    /// For every tag written so far, one figure of its first images (rows) at up to 10 evenly spaced explained epochs
    /// (columns), logged under <see cref="EvolutionTagOf"/> at <paramref name="step"/> and saved as <c>evolution.png</c> beside the epochs' PNGs.
    /// </summary>
    internal void WriteEvolutions(int step)
    {
        foreach (var (tag, history) in histories)
        {
            var columns = history.Columns();
            var first = columns[0].Tiles[0];
            var upscale = Math.Clamp(EvolutionCellPixels / Math.Max(first.Width, first.Height), 1, render.Upscale);
            var caption = string.Create(CultureInfo.InvariantCulture,
                $"{history.Method} over training: rows = the first {history.RowLabels.Count} images, columns = {columns.Count} of {history.Count} explained epochs");
            var figure = EncodedImage.Encode(EvolutionFigure.Compose(columns, history.RowLabels, caption, history.Legend, upscale));
            writer?.AddImage(EvolutionTagOf(tag), figure, step, description: EvolutionDescription(tag, history, columns.Count));
            Save(tag, "evolution.png", figure);
        }
    }

    private void Remember(string tag, Explanation explanation, int epoch, IReadOnlyList<TileLabel>? labels)
    {
        if (!histories.TryGetValue(tag, out var history))
        {
            var rows = Math.Min(EvolutionFigure.MaxRows, explanation.Targets.Length);
            var rowLabels = Enumerable.Range(0, rows).Select(i => RowLabel(labels?[i], i)).ToList();
            histories[tag] = history = new ExplanationHistory(rowLabels, explanation.Legend(render), explanation.Method);
        }
        history.Add(epoch, explanation.RenderImages(render with { Upscale = 1 }));
    }

    private static string RowLabel(TileLabel? label, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"#{index} {label?.TrueClass ?? label?.ExplainedClass ?? ""}").TrimEnd();

    private static string EvolutionDescription(string tag, ExplanationHistory history, int columns) =>
        $"How {history.Method}'s pictures changed while the model trained: one row per image (the first {history.RowLabels.Count}, labeled on the left with " +
        $"their index and true class, or the class a picture was made for), one column per explained epoch ({columns} of the {history.Count} explained, evenly " +
        $"spaced, first and last included, labeled on top), colors as in {tag} (color bar below). Written once, at the end of training.";

    private void Save(string tag, string fileName, EncodedImage figure)
    {
        if (imageFolder is null)
        {
            return;
        }
        var folder = Path.Combine(imageFolder, FolderOf(tag));
        Directory.CreateDirectory(folder);
        Png.Save(figure, Path.Combine(folder, fileName));
    }
}
