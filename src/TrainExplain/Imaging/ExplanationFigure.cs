using System.Globalization;
using TrainExplain.Explainers;

namespace TrainExplain.Imaging;

/// <summary>
/// Draws and saves an <see cref="Explanation"/>: its tiles (overlays, channel grids or synthesized images), a plain grid
/// of them, and the labeled figure the callbacks write during training (caption, tiles with their labels, color bar).
/// Extension methods, so <c>explanation.SaveFigure(path)</c> reads as before the drawing left the result.
/// </summary>
public static class ExplanationFigure
{
    /// <summary>One picture per image (or per class).</summary>
    public static IReadOnlyList<Image> RenderImages(this Explanation explanation, RenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        return ExplanationPictures.Tiles(explanation, options ?? new RenderOptions(), explanation.Targets.Length);
    }

    /// <summary>What the colors of <see cref="RenderImages"/> mean, for a figure's color bar.</summary>
    internal static ColorLegend Legend(this Explanation explanation, RenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        return ExplanationPictures.Legend(explanation, options ?? new RenderOptions());
    }

    /// <summary>All pictures in one plain grid, laid out for their count (<see cref="GridLayout"/>).</summary>
    public static Image RenderGrid(this Explanation explanation, RenderOptions? options = null)
    {
        var o = options ?? new RenderOptions();
        return ComposeGrid(explanation.RenderImages(o), o);
    }

    /// <summary>Tiles already rendered with <paramref name="options"/>, laid out as <see cref="RenderGrid"/> does.</summary>
    public static Image ComposeGrid(IReadOnlyList<Image> tiles, RenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentNullException.ThrowIfNull(options);
        return ImageGrid.Compose(tiles, GridLayout.Columns(Math.Max(1, tiles.Count), options.Columns, tiles.Count == 0 ? 1 : tiles[0].Width + options.Padding),
            options.Padding, background: 0);
    }

    /// <summary>
    /// The pictures as a figure a person can read alone: <paramref name="caption"/> (default <see cref="Explanation.Caption"/>)
    /// on top, each tile with its label (if given) under it, laid out for their count, and the color bar of
    /// <see cref="Legend"/>. A tile the explanation has a note for (<c>flat map</c>, see <see cref="Attribution.FlatMaps"/>)
    /// says it on a last label line, labels given or not. Only the first <see cref="RenderOptions.FigureTiles"/> are drawn
    /// (the caption then ends with how many of how many images it shows).
    /// </summary>
    /// <param name="explanation">The result to draw.</param>
    /// <param name="labels">One label per picture (true class, prediction, explained class; <see cref="TileLabels"/>), or null for none.</param>
    /// <param name="caption">The line on top, or null for <see cref="Explanation.Caption"/>.</param>
    /// <param name="options">Colormap, upscale, columns, padding.</param>
    /// <exception cref="ArgumentException">The label count differs from the picture count.</exception>
    public static Image RenderFigure(this Explanation explanation, IReadOnlyList<TileLabel>? labels = null, string? caption = null, RenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        var o = options ?? new RenderOptions();
        var tiles = ExplanationPictures.Tiles(explanation, o, o.FigureTilesOf(explanation.Targets.Length));
        return Compose(explanation, tiles, labels, caption ?? explanation.Caption, o, explanation.Targets.Length);
    }

    /// <summary>
    /// Tiles already rendered with <paramref name="options"/>, one per picture, composed as <see cref="RenderFigure"/>
    /// does: the first <see cref="RenderOptions.FigureTiles"/> of them, with their labels.
    /// </summary>
    public static Image ComposeFigure(this Explanation explanation, IReadOnlyList<Image> tiles, IReadOnlyList<TileLabel>? labels, string caption, RenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        return Compose(explanation, tiles, labels, caption, options, tiles.Count);
    }

    /// <summary>
    /// The figure of the first tiles of <paramref name="pictures"/> (labels one per picture); tiles past
    /// <see cref="RenderOptions.FigureTiles"/> and their labels are left out, and the caption says so.
    /// </summary>
    private static Image Compose(Explanation explanation, IReadOnlyList<Image> tiles, IReadOnlyList<TileLabel>? labels, string caption, RenderOptions options, int pictures)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        ArgumentNullException.ThrowIfNull(caption);
        ArgumentNullException.ThrowIfNull(options);
        var count = options.FigureTilesOf(pictures);
        IReadOnlyList<Image> drawn = count == tiles.Count ? tiles : [.. tiles.Take(count)];
        // Labels of another count than the pictures go on whole, for LabelledTiles.Draw to report.
        var drawnLabels = labels is not null && labels.Count == pictures && count < pictures ? [.. labels.Take(count)] : labels;
        var noted = WithNotes(explanation, drawnLabels, count);
        var shown = noted is null ? drawn : LabelledTiles.Draw(drawn, noted);
        var told = count == pictures ? caption : string.Create(CultureInfo.InvariantCulture, $"{caption} (the first {count} of {pictures} images shown)");
        return Figure.Compose(shown, told, explanation.Legend(options), options.Columns, options.Padding);
    }

    /// <summary>Saves <see cref="RenderGrid"/> as a PNG (written to a temporary name, then renamed).</summary>
    public static void SaveGrid(this Explanation explanation, string path, RenderOptions? options = null) => Png.Save(explanation.RenderGrid(options), path);

    /// <summary>
    /// Saves <see cref="RenderFigure"/> as a PNG (written to a temporary name, then renamed): the labeled figure the
    /// callbacks write during training. <see cref="TileLabels"/> makes the labels as they do.
    /// </summary>
    /// <param name="explanation">The result to draw.</param>
    /// <param name="path">The PNG file.</param>
    /// <param name="labels">One label per picture, or null for none.</param>
    /// <param name="caption">The line on top, or null for <see cref="Explanation.Caption"/>.</param>
    /// <param name="options">Colormap, upscale, columns, padding.</param>
    /// <exception cref="ArgumentException">The label count differs from the picture count.</exception>
    public static void SaveFigure(this Explanation explanation, string path, IReadOnlyList<TileLabel>? labels = null, string? caption = null, RenderOptions? options = null) =>
        Png.Save(explanation.RenderFigure(labels, caption, options), path);

    /// <summary>The labels with each tile's note (which replaces a label's own), blank labels where there are notes but no labels.</summary>
    private static IReadOnlyList<TileLabel>? WithNotes(Explanation explanation, IReadOnlyList<TileLabel>? labels, int count)
    {
        var notes = Enumerable.Range(0, count).Select(i => i < explanation.Targets.Length ? ExplanationPictures.Note(explanation, i) : null).ToList();
        if (notes.TrueForAll(n => n is null) || (labels is not null && labels.Count != count))
        {
            // Nothing to add; or a count mismatch, which LabelledTiles.Draw reports.
            return labels;
        }
        return [.. notes.Select((note, i) => labels?[i] is { } label ? note is null ? label : label with { Note = note } : new TileLabel(null, null, null, null) { Note = note })];
    }
}
