using SkiaSharp;

namespace TrainExplain.Imaging;

/// <summary>
/// A picture a person can read on its own: a caption line on top (what was explained, how, when), the tiles in a grid
/// laid out for their count (<see cref="GridLayout"/>), and a colour bar under it saying what the colors mean.
/// </summary>
public static class Figure
{
    /// <summary>The caption's text height in pixels.</summary>
    internal const float CaptionSize = 12;

    private const int CaptionHeight = 20;
    private const int LegendHeight = 22;
    private const int BarWidth = 160;
    private const int BarHeight = 10;
    private const int MinWidth = 480;

    /// <summary>Composes <paramref name="tiles"/> under <paramref name="caption"/>, with <paramref name="legend"/> (if any) under the grid.</summary>
    /// <param name="tiles">The tiles, all of one size, in reading order.</param>
    /// <param name="caption">One line; shortened with an ellipsis when wider than the figure.</param>
    /// <param name="legend">The colour bar, or null for pictures without a colormap.</param>
    /// <param name="maxColumns">The most tiles per row.</param>
    /// <param name="padding">Pixels between tiles.</param>
    /// <exception cref="ArgumentException">No tiles, or tiles of different sizes.</exception>
    public static Image Compose(IReadOnlyList<Image> tiles, string caption, ColorLegend? legend, int maxColumns, int padding)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentNullException.ThrowIfNull(caption);
        if (tiles.Count == 0)
        {
            throw new ArgumentException("A figure needs at least one tile.", nameof(tiles));
        }
        var grid = ImageGrid.Compose(tiles, GridLayout.Columns(tiles.Count, maxColumns, tiles[0].Width + padding), padding, background: 0);
        return Frame(grid, caption, legend);
    }

    /// <summary><paramref name="body"/> with <paramref name="caption"/> above it and <paramref name="legend"/> (if any) below.</summary>
    internal static Image Frame(Image body, string caption, ColorLegend? legend)
    {
        var width = Math.Max(body.Width, MinWidth);
        var height = CaptionHeight + body.Height + (legend is null ? 0 : LegendHeight);
        using var canvas = new Canvas(width, height, SKColors.Black);
        canvas.Text(caption, 4, CaptionHeight - 6, CaptionSize, SKColors.White, width - 8);
        canvas.DrawImage(body, 0, CaptionHeight);
        if (legend is not null)
        {
            DrawLegend(canvas, legend, CaptionHeight + body.Height + 3);
        }
        return canvas.ToImage();
    }

    /// <summary>The low text, the bar from low to high, the high text, then the normalization, on one line.</summary>
    private static void DrawLegend(Canvas canvas, ColorLegend legend, int top)
    {
        const float size = LabelledTiles.TextSize + 1;
        var baseline = top + BarHeight + 1;
        var x = 4f;
        canvas.Text(legend.Low, x, baseline, size, SKColors.White);
        x += canvas.Measure(legend.Low, size) + 4;
        var ramp = Enumerable.Range(0, BarWidth * BarHeight).Select(i => i % BarWidth / (float)(BarWidth - 1)).ToArray();
        canvas.DrawImage(legend.Colormap.Apply(ramp, BarWidth, BarHeight), (int)x, top + 2);
        x += BarWidth + 4;
        canvas.Text(legend.High, x, baseline, size, SKColors.White);
        x += canvas.Measure(legend.High, size) + 12;
        canvas.Text(legend.Normalization, x, baseline, size, LabelledTiles.KeyColor, canvas.Width - x - 4);
    }
}
