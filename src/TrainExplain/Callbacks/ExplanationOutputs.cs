using System.Globalization;
using System.Text;
using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.TensorBoard;

namespace TrainExplain.Callbacks;

/// <summary>
/// Where an image-writing callback's pictures go, and how: each explanation's tiles are rendered once, the grid composed
/// and PNG-encoded once, then logged under its tag, optionally as samples, with the call's time as
/// <c>time/&lt;tag&gt;</c>, and saved as <c>&lt;imageFolder&gt;/&lt;folder of the tag&gt;/epoch_NNN.png</c>.
/// </summary>
internal sealed class ExplanationOutputs(TensorBoardWriter? writer, string? imageFolder, RenderOptions render, bool writeSamples)
{
    /// <summary>The tag of a method's grid: <c>explain/&lt;Name&gt;</c>.</summary>
    internal static string TagOf(string name) => $"explain/{name}";

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

    /// <summary>Writes <paramref name="explanation"/> under <paramref name="tag"/> for <paramref name="epoch"/>.</summary>
    internal void Write(string tag, Explanation explanation, int epoch, string description)
    {
        var tiles = explanation.RenderImages(render);
        var grid = EncodedImage.Encode(Explanation.ComposeGrid(tiles, render));
        if (writer is not null)
        {
            writer.AddImage(tag, grid, epoch, description: description);
            if (writeSamples)
            {
                writer.AddImageSamples($"{tag}/samples", tiles, epoch, description: $"{description} One sample per image.");
            }
            writer.AddScalar($"time/{tag}", (float)explanation.Elapsed.TotalMilliseconds, epoch,
                description: $"Milliseconds that {explanation.Method} took on the batch, host copy included (in a shared pass, its share).");
        }
        if (imageFolder is not null)
        {
            var folder = Path.Combine(imageFolder, FolderOf(tag));
            Directory.CreateDirectory(folder);
            Png.Save(grid, Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"epoch_{epoch:D3}.png")));
        }
    }
}
