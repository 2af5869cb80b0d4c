using SkiaSharp;

namespace TrainExplain.Imaging;

/// <summary>
/// A picture a person can read on its own: a caption on top (what was explained, how, when; wrapped to the figure's
/// width), the tiles in a grid laid out for their count (<see cref="GridLayout"/>), and a color bar under it saying what
/// the colors mean.
/// </summary>
internal static class Figure
{
    /// <summary>The caption's text height in pixels.</summary>
    internal const float CaptionSize = 12;

    private const int CaptionHeight = 20;
    private const int LegendHeight = 22;
    private const int BarWidth = 160;
    private const int BarHeight = 10;
    private const int MinWidth = 480;
    private const int CaptionLineHeight = 15;
    private const float LegendTextSize = LabelledTiles.TextSize + 1;
    private const int NoteLineHeight = 13;

    /// <summary>Composes <paramref name="tiles"/> under <paramref name="caption"/>, with <paramref name="legend"/> (if any) under the grid.</summary>
    /// <param name="tiles">The tiles, all of one size, in reading order.</param>
    /// <param name="caption">One line; wrapped onto more when wider than the figure.</param>
    /// <param name="legend">The color bar, or null for pictures without a colormap.</param>
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

    /// <summary>
    /// <paramref name="body"/> with <paramref name="caption"/> above it and <paramref name="legend"/> (if any) below; a
    /// caption or a normalization note too long for the figure's width wraps onto more lines rather than being cut.
    /// </summary>
    internal static Image Frame(Image body, string caption, ColorLegend? legend)
    {
        var width = Math.Max(body.Width, MinWidth);
        var captionLines = Canvas.Wrap(caption, CaptionSize, width - 8);
        var captionHeight = CaptionHeight + ((captionLines.Count - 1) * CaptionLineHeight);
        var layout = legend is null ? default : LayOutLegend(legend, width);
        var legendHeight = legend is null ? 0 : LegendHeight + ((layout.NoteLines.Count - 1) * NoteLineHeight);
        using var canvas = new Canvas(width, captionHeight + body.Height + legendHeight, SKColors.Black);
        for (var i = 0; i < captionLines.Count; i++)
        {
            canvas.Text(captionLines[i], 4, CaptionHeight - 6 + (i * CaptionLineHeight), CaptionSize, SKColors.White);
        }
        canvas.DrawImage(body, 0, captionHeight);
        if (legend is not null)
        {
            DrawLegend(canvas, legend, layout, captionHeight + body.Height + 3);
        }
        return canvas.ToImage();
    }

    /// <summary>Where the bar and the normalization note start in a figure <paramref name="width"/> pixels wide, and the note's lines, wrapped to fit right of the bar.</summary>
    private static (float BarLeft, float NoteLeft, IReadOnlyList<string> NoteLines) LayOutLegend(ColorLegend legend, int width)
    {
        var barLeft = 4 + Canvas.MeasureAlone(legend.Low, LegendTextSize) + 4;
        var noteLeft = barLeft + BarWidth + 4 + Canvas.MeasureAlone(legend.High, LegendTextSize) + 12;
        return (barLeft, noteLeft, Canvas.Wrap(legend.Normalization, LegendTextSize, width - noteLeft - 4));
    }

    /// <summary>The low text, the bar from low to high, the high text, then the normalization note's lines.</summary>
    private static void DrawLegend(Canvas canvas, ColorLegend legend, (float BarLeft, float NoteLeft, IReadOnlyList<string> NoteLines) layout, int top)
    {
        var baseline = top + BarHeight + 1;
        canvas.Text(legend.Low, 4, baseline, LegendTextSize, SKColors.White);
        var ramp = Enumerable.Range(0, BarWidth * BarHeight).Select(i => i % BarWidth / (float)(BarWidth - 1)).ToArray();
        canvas.DrawImage(legend.Colormap.Apply(ramp, BarWidth, BarHeight), (int)layout.BarLeft, top + 2);
        canvas.Text(legend.High, layout.BarLeft + BarWidth + 4, baseline, LegendTextSize, SKColors.White);
        for (var i = 0; i < layout.NoteLines.Count; i++)
        {
            canvas.Text(layout.NoteLines[i], layout.NoteLeft, baseline + (i * NoteLineHeight), LegendTextSize, LabelledTiles.KeyColor);
        }
    }
}
