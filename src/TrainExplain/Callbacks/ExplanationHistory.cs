using TrainExplain.Imaging;

namespace TrainExplain.Callbacks;

/// <summary>
/// What one tag's evolution figure needs from each explained epoch: the tiles of the first <see cref="EvolutionFigure.MaxRows"/>
/// images at their own size (a few KiB each, so a long run stays small), and, from the first epoch, the row labels and the legend.
/// </summary>
internal sealed class ExplanationHistory(IReadOnlyList<string> rowLabels, ColorLegend legend, string method)
{
    private readonly List<(int Epoch, IReadOnlyList<Image> Tiles)> epochs = [];

    /// <summary>One label per row (the image's true class, or the class a picture was made for).</summary>
    internal IReadOnlyList<string> RowLabels { get; } = rowLabels;

    /// <summary>The color bar of the method's pictures.</summary>
    internal ColorLegend Legend { get; } = legend;

    /// <summary>The method's display name.</summary>
    internal string Method { get; } = method;

    /// <summary>How many epochs were kept.</summary>
    internal int Count => epochs.Count;

    /// <summary>Keeps the first <see cref="RowLabels"/>.Count tiles of <paramref name="epoch"/>.</summary>
    internal void Add(int epoch, IReadOnlyList<Image> tiles) => epochs.Add((epoch, [.. tiles.Take(RowLabels.Count)]));

    /// <summary>At most <see cref="EvolutionFigure.MaxColumns"/> of the kept epochs, evenly spaced, first and last included.</summary>
    internal IReadOnlyList<(int Epoch, IReadOnlyList<Image> Tiles)> Columns() =>
        [.. EvolutionFigure.EvenlySpaced(epochs.Count, EvolutionFigure.MaxColumns).Select(i => epochs[i])];
}
