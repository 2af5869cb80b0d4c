using System.Globalization;
using SkiaSharp;

namespace TrainExplain.Imaging;

/// <summary>
/// One picture of how explanations changed while a model learned: a row per image, a column per explained epoch
/// (labeled on top), each row labeled on the left, under a caption and over a color bar.
/// </summary>
internal static class EvolutionFigure
{
    /// <summary>The most rows (images) an evolution figure shows.</summary>
    public const int MaxRows = 8;

    /// <summary>The most columns (epochs) an evolution figure shows.</summary>
    public const int MaxColumns = 10;

    private const int HeaderHeight = 16;
    private const int RowLabelWidth = 100;
    private const int Padding = 2;

    /// <summary>
    /// The indices of at most <paramref name="maxCount"/> of <paramref name="count"/> items, evenly spaced, first and last
    /// included: index round(i (count - 1) / (maxCount - 1)) for i = 0 .. maxCount - 1 (all of them when count is at most maxCount).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> below 0 or <paramref name="maxCount"/> below 2.</exception>
    public static IReadOnlyList<int> EvenlySpaced(int count, int maxCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 2);
        return count <= maxCount
            ? [.. Enumerable.Range(0, count)]
            : [.. Enumerable.Range(0, maxCount).Select(i => (int)Math.Round(i * (count - 1) / (double)(maxCount - 1), MidpointRounding.AwayFromZero))];
    }

    /// <summary>Composes the figure: <paramref name="columns"/> in order, each an epoch and its tiles (row i of every column is the same image).</summary>
    /// <param name="columns">Per explained epoch, its number and at least as many tiles as there are rows, all of one size.</param>
    /// <param name="rowLabels">One label per row (e.g. the image's true class), at most <see cref="MaxRows"/>.</param>
    /// <param name="caption">The caption above the figure, wrapped onto more lines where wider than it.</param>
    /// <param name="legend">The color bar, or null.</param>
    /// <param name="upscale">Nearest-neighbour enlargement of each tile.</param>
    /// <exception cref="ArgumentException">No columns or rows, too many of either, a column with too few tiles, or tiles of different sizes.</exception>
    public static Image Compose(IReadOnlyList<(int Epoch, IReadOnlyList<Image> Tiles)> columns, IReadOnlyList<string> rowLabels, string caption,
        ColorLegend? legend, int upscale)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rowLabels);
        ArgumentOutOfRangeException.ThrowIfLessThan(upscale, 1);
        if (columns.Count is 0 or > MaxColumns || rowLabels.Count is 0 or > MaxRows)
        {
            throw new ArgumentException($"An evolution figure has 1 to {MaxColumns} columns and 1 to {MaxRows} rows; got {columns.Count} and {rowLabels.Count}.");
        }
        var first = columns[0].Tiles.FirstOrDefault() ?? throw new ArgumentException("The first column has no tiles.", nameof(columns));
        if (columns.Any(c => c.Tiles.Count < rowLabels.Count || c.Tiles.Take(rowLabels.Count).Any(t => t.Width != first.Width || t.Height != first.Height)))
        {
            throw new ArgumentException($"Every column needs {rowLabels.Count} tiles of {first.Width}x{first.Height}.", nameof(columns));
        }
        var (cellWidth, cellHeight) = ((first.Width * upscale) + Padding, (first.Height * upscale) + Padding);
        using var canvas = new Canvas(RowLabelWidth + (columns.Count * cellWidth), HeaderHeight + (rowLabels.Count * cellHeight), SKColors.Black);
        for (var c = 0; c < columns.Count; c++)
        {
            var left = RowLabelWidth + (c * cellWidth);
            canvas.Text(string.Create(CultureInfo.InvariantCulture, $"epoch {columns[c].Epoch}"), left + 2, HeaderHeight - 4, LabelledTiles.TextSize + 1, SKColors.White, cellWidth - 4);
            for (var r = 0; r < rowLabels.Count; r++)
            {
                canvas.DrawImage(columns[c].Tiles[r].UpscaleNearest(upscale), left, HeaderHeight + (r * cellHeight));
            }
        }
        for (var r = 0; r < rowLabels.Count; r++)
        {
            var middle = HeaderHeight + (r * cellHeight) + (cellHeight / 2f) + 4;
            canvas.Text(rowLabels[r], 4, middle, LabelledTiles.TextSize + 1, SKColors.White, RowLabelWidth - 8);
        }
        return Figure.Frame(canvas.ToImage(), caption, legend);
    }
}
