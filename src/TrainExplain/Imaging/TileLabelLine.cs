namespace TrainExplain.Imaging;

/// <summary>
/// One line of a <see cref="TileLabel"/> as <see cref="LabelledTiles"/> sets it under a tile: the key, the class name in
/// one or two lines of its own text size, and the probability right-aligned on its first line.
/// </summary>
/// <param name="Key">The key (<c>true</c>, <c>pred</c>, <c>expl</c>), or empty for the note.</param>
/// <param name="NameLines">The class name (or the note) in one or two lines, which joined give it back; a line wider than its room is drawn shortened with an ellipsis.</param>
/// <param name="Size">The text size of <paramref name="NameLines"/>, in pixels.</param>
/// <param name="Percent">The probability as a percentage (e.g. <c>87%</c>), or empty.</param>
/// <param name="NameLeft">Where the name's lines start, in pixels from the label's left edge.</param>
/// <param name="FirstRoom">The width, in pixels, the name's first line may take: up to the probability.</param>
/// <param name="Room">The width, in pixels, its second line may take: up to the label's right edge.</param>
internal sealed record TileLabelLine(string Key, IReadOnlyList<string> NameLines, float Size, string Percent, float NameLeft, float FirstRoom, float Room)
{
    /// <summary>The room of the name's line <paramref name="index"/>.</summary>
    internal float RoomOf(int index) => index == 0 ? FirstRoom : Room;
}
