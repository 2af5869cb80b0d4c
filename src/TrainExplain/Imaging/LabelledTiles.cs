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

    /// <summary>The smallest text size, in pixels, a class name shrinks to before it is cut with an ellipsis.</summary>
    internal const float MinTextSize = 7;

    /// <summary>How much a class name's text size shrinks per try, in pixels.</summary>
    private const float ShrinkStep = 0.5f;

    /// <summary>
    /// Each tile framed (green: right prediction, red: wrong, gray: no true class) with its label's lines under it, its
    /// note (<see cref="TileLabel.Note"/>) last, in amber. A class name too wide for its line wraps onto two, then
    /// shrinks, and only then is cut (<see cref="FitName"/>). Every band has the height of the longest label, so the
    /// results have one size and fit one grid.
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
        var layouts = labels.Select(label => Layout(label, tiles.Count == 0 ? 0 : tiles[0].Width)).ToList();
        var lines = layouts.Count == 0 ? 0 : layouts.Max(layout => layout.Sum(line => line.NameLines.Count));
        return [.. tiles.Select((tile, i) => Draw(tile, labels[i], layouts[i], lines))];
    }

    /// <summary>How <paramref name="label"/>'s lines are set under a tile <paramref name="tileWidth"/> pixels wide, measured in the font they are drawn in.</summary>
    internal static IReadOnlyList<TileLabelLine> Layout(TileLabel label, int tileWidth)
    {
        var (left, right) = TextSpan(tileWidth);
        var nameLeft = left + Canvas.MeasureAlone("pred ", TextSize);
        return [.. label.Lines().Select(line =>
        {
            if (line.Key.Length == 0)
            {
                // The note: one line of its own, from the left.
                return new TileLabelLine("", [line.Class], TextSize, "", left, right - left, right - left);
            }
            var percent = line.Probability is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p * 100:F0}%") : "";
            var room = right - nameLeft;
            var firstRoom = room - (percent.Length == 0 ? 0 : Canvas.MeasureAlone($" {percent}", TextSize));
            var (names, size) = FitName(line.Class, firstRoom, room);
            return new TileLabelLine(line.Key, names, size, percent, nameLeft, firstRoom, room);
        })];
    }

    /// <summary>
    /// <paramref name="name"/> set on a first line of <paramref name="firstRoom"/> pixels (beside the probability) and a
    /// second of <paramref name="room"/>: on one line at <see cref="TextSize"/> if it fits, else on two (broken after a
    /// space, '-' or '/'); else the same at text sizes shrinking by half a pixel down to <see cref="MinTextSize"/>; else at
    /// that size in two lines (one without a break point), which the drawing cuts with an ellipsis. Two lines before a
    /// smaller size, because every size step makes a 28-pixel tile's label harder to read, while the band has room for a
    /// line more.
    /// </summary>
    internal static (IReadOnlyList<string> Lines, float Size) FitName(string name, float firstRoom, float room)
    {
        for (var size = TextSize; size >= MinTextSize; size -= ShrinkStep)
        {
            if (Canvas.MeasureAlone(name, size) <= firstRoom)
            {
                return ([name], size);
            }
            if (TwoLines(name, size, firstRoom, room) is { } split && split.Overflow <= 0)
            {
                return (split.Lines, size);
            }
        }
        return (TwoLines(name, MinTextSize, firstRoom, room)?.Lines ?? [name], MinTextSize);
    }

    /// <summary>
    /// The two lines of <paramref name="name"/> at <paramref name="size"/>, broken after a space (dropped), '-' or '/':
    /// of the breaks where both lines fit their rooms, the one whose wider line is narrowest (<c>T-shirt/</c> over
    /// <c>top</c>, not <c>T-</c> over <c>shirt/top</c>); without one, the break that overflows least (Overflow &gt; 0); null
    /// without a break point.
    /// </summary>
    private static (string[] Lines, float Overflow)? TwoLines(string name, float size, float firstRoom, float room)
    {
        (string[] Lines, float Overflow, float Width)? best = null;
        for (var i = 1; i < name.Length; i++)
        {
            if (name[i - 1] is not (' ' or '-' or '/'))
            {
                continue;
            }
            string[] lines = [name[..i].TrimEnd(), name[i..]];
            var (first, second) = (Canvas.MeasureAlone(lines[0], size), Canvas.MeasureAlone(lines[1], size));
            var (overflow, width) = (Math.Max(first - firstRoom, second - room), Math.Max(first, second));
            var better = best is not { } known || (overflow <= 0 ? known.Overflow > 0 || width < known.Width : overflow < known.Overflow);
            if (lines[0].Length > 0 && lines[1].Length > 0 && better)
            {
                best = (lines, overflow, width);
            }
        }
        return best is { } found ? (found.Lines, found.Overflow) : null;
    }

    /// <summary>Where a label's text starts and ends, in pixels from the left of a labeled tile <paramref name="tileWidth"/> pixels wide (inside the frame, 2 px from it).</summary>
    private static (float Left, float Right) TextSpan(int tileWidth) => (FrameWidth + 2f, tileWidth + FrameWidth - 2f);

    private static Image Draw(Image tile, TileLabel label, IReadOnlyList<TileLabelLine> layout, int lines)
    {
        var band = lines == 0 ? 0 : (lines * LineHeight) + 4;
        using var canvas = new Canvas(tile.Width + (2 * FrameWidth), tile.Height + band + (2 * FrameWidth), SKColors.Black);
        canvas.DrawImage(tile, FrameWidth, FrameWidth);
        canvas.Frame(0, 0, canvas.Width, canvas.Height, FrameWidth, label.IsCorrect switch { true => Right, false => Wrong, null => Unknown });
        var (left, right) = TextSpan(tile.Width);
        var baseline = FrameWidth + tile.Height + LineHeight - 1f;
        foreach (var line in layout)
        {
            var color = line.Key switch
            {
                "" => NoteText,
                "pred" when label.IsCorrect == false => WrongText,
                _ => SKColors.White,
            };
            if (line.Key.Length > 0)
            {
                canvas.Text(line.Key, left, baseline, TextSize, KeyColor);
            }
            for (var i = 0; i < line.NameLines.Count; i++)
            {
                canvas.Text(line.NameLines[i], line.NameLeft, baseline + (i * LineHeight), line.Size, color, line.RoomOf(i));
            }
            if (line.Percent.Length > 0)
            {
                canvas.Text(line.Percent, right, baseline, TextSize, color, alignRight: true);
            }
            baseline += line.NameLines.Count * LineHeight;
        }
        return canvas.ToImage();
    }
}
