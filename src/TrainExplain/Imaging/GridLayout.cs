namespace TrainExplain.Imaging;

/// <summary>How many columns a grid of tiles gets: as few rows as the column limit allows, then the columns balanced over them, so no row is left mostly empty.</summary>
internal static class GridLayout
{
    /// <summary>The widest a figure's grid should grow, in pixels, before it wraps to more rows.</summary>
    public const int MaxWidth = 1600;

    /// <summary>
    /// The column count for <paramref name="count"/> tiles <paramref name="tileWidth"/> pixels wide: at most
    /// <paramref name="maxColumns"/> and at most <see cref="MaxWidth"/> wide (at least 1), balanced over the fewest rows.
    /// 10 tiles with 8 columns allowed give 2 rows of 5; 16 give 2 rows of 8.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count, limit or width below 1.</exception>
    public static int Columns(int count, int maxColumns, int tileWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxColumns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileWidth, 1);
        var limit = Math.Max(1, Math.Min(maxColumns, MaxWidth / tileWidth));
        var rows = (count + limit - 1) / limit;
        return (count + rows - 1) / rows;
    }
}
