using System.Globalization;
using SkiaSharp;

namespace TrainExplain.Imaging;

/// <summary>Tiles with a label band under each picture and a frame whose color says whether the prediction was right.</summary>
internal static class LabelledTiles
{
    /// <summary>The frame's width in pixels.</summary>
    public const int FrameWidth = 3;

    /// <summary>The label text's height in pixels.</summary>
    internal const float TextSize = 10;

    /// <summary>Pixels per label line.</summary>
    internal const int LineHeight = 12;

    internal static readonly SKColor Right = new(40, 180, 60);
    internal static readonly SKColor Wrong = new(230, 40, 40);
    internal static readonly SKColor Unknown = new(90, 90, 90);
    internal static readonly SKColor KeyColor = new(160, 160, 160);
    internal static readonly SKColor WrongText = new(255, 120, 120);
    internal static readonly SKColor NoteText = new(255, 200, 60);

    /// <summary>
    /// Each tile framed (green: right prediction, red: wrong, gray: no true class) with its label's lines under it, its
    /// note (<see cref="TileLabel.Note"/>) last, in amber. Every band has the height of the longest label, so the results
    /// have one size and fit one grid.
    /// </summary>
    /// <param name="tiles">The pictures, all of one size.</param>
    /// <param name="labels">One label per tile.</param>
    /// <exception cref="ArgumentException">The counts differ, or the tiles differ in size.</exception>
    public static IReadOnlyList<Image> Draw(IReadOnlyList<Image> tiles, IReadOnlyList<TileLabel> labels)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentNullException.ThrowIfNull(labels);
        if (tiles.Count != labels.Count)
        {
            throw new ArgumentException($"{tiles.Count} tiles but {labels.Count} labels; give one label per tile.", nameof(labels));
        }
        if (tiles.Any(t => t.Width != tiles[0].Width || t.Height != tiles[0].Height))
        {
            throw new ArgumentException("All tiles must have the same size.", nameof(tiles));
        }
        var lines = labels.Max(l => l.Lines().Count());
        return [.. tiles.Select((tile, i) => Draw(tile, labels[i], lines))];
    }

    private static Image Draw(Image tile, TileLabel label, int lines)
    {
        var band = lines == 0 ? 0 : (lines * LineHeight) + 4;
        using var canvas = new Canvas(tile.Width + (2 * FrameWidth), tile.Height + band + (2 * FrameWidth), SKColors.Black);
        canvas.DrawImage(tile, FrameWidth, FrameWidth);
        canvas.Frame(0, 0, canvas.Width, canvas.Height, FrameWidth, label.IsCorrect switch { true => Right, false => Wrong, null => Unknown });
        var (left, right) = (FrameWidth + 2f, canvas.Width - FrameWidth - 2f);
        var baseline = FrameWidth + tile.Height + LineHeight - 1f;
        foreach (var (key, name, probability) in label.Lines())
        {
            if (key.Length == 0)
            {
                // The note: one line of its own, from the left.
                canvas.Text(name, left, baseline, TextSize, NoteText, right - left);
            }
            else
            {
                canvas.Text(key, left, baseline, TextSize, KeyColor);
                var nameLeft = left + canvas.Measure("pred ", TextSize);
                var percent = probability is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p * 100:F0}%") : "";
                var room = right - nameLeft - (percent.Length == 0 ? 0 : canvas.Measure($" {percent}", TextSize));
                var color = key == "pred" && label.IsCorrect == false ? WrongText : SKColors.White;
                canvas.Text(name, nameLeft, baseline, TextSize, color, room);
                if (percent.Length > 0)
                {
                    canvas.Text(percent, right, baseline, TextSize, color, alignRight: true);
                }
            }
            baseline += LineHeight;
        }
        return canvas.ToImage();
    }
}
