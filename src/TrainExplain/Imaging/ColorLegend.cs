namespace TrainExplain.Imaging;

/// <summary>What a figure's color bar says: the colormap from low to high, the words at both ends, and how each map was scaled to it.</summary>
/// <param name="Colormap">The colors, low (left) to high (right).</param>
/// <param name="Low">The text at the low end, e.g. <c>0</c>.</param>
/// <param name="High">The text at the high end, e.g. <c>1</c>.</param>
/// <param name="Normalization">How values were mapped to the bar, e.g. <c>per image: 0 = min, 1 = max</c>.</param>
internal sealed record ColorLegend(Colormap Colormap, string Low, string High, string Normalization);
