namespace TrainExplain.Imaging;

/// <summary>Tiles images into one grid image, like torchvision's <c>make_grid</c>.</summary>
internal static class ImageGrid
{
    /// <summary>
    /// Places <paramref name="tiles"/> row by row, <paramref name="columns"/> per row, with <paramref name="padding"/>
    /// background pixels between neighbouring tiles and along the border. All tiles must have the same size; tiles
    /// with different channel counts are converted to RGB (RGBA when any has alpha). Cells after the last tile stay
    /// background. The grid is padding + columns x (tile width + padding) pixels wide.
    /// </summary>
    /// <param name="tiles">At least one image, all of the same width and height.</param>
    /// <param name="columns">Tiles per row, at least 1; fewer tiles than columns make a single shorter row.</param>
    /// <param name="padding">Background pixels between tiles and around the grid, 0 or more.</param>
    /// <param name="background">The value of every background byte (alpha included), e.g. 0 black or 255 white.</param>
    /// <exception cref="ArgumentException">No tiles, a null tile, or tiles of different sizes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="columns"/> is below 1 or <paramref name="padding"/> is negative.</exception>
    public static Image Compose(IReadOnlyList<Image> tiles, int columns, int padding, byte background)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        var first = RequireUniformTiles(tiles);
        var channels = CommonChannels(tiles);
        columns = Math.Min(columns, tiles.Count);
        var rows = (tiles.Count + columns - 1) / columns;
        var width = checked(padding + (columns * (first.Width + padding)));
        var height = checked(padding + (rows * (first.Height + padding)));
        var pixels = new byte[Image.ByteCount(width, height, channels)];
        pixels.AsSpan().Fill(background);
        var tileRow = first.Width * channels;
        for (var t = 0; t < tiles.Count; t++)
        {
            var tile = tiles[t].ToChannels(channels).Pixels;
            var left = padding + ((t % columns) * (first.Width + padding));
            var top = padding + ((t / columns) * (first.Height + padding));
            for (var y = 0; y < first.Height; y++)
            {
                tile.AsSpan(y * tileRow, tileRow).CopyTo(pixels.AsSpan((((top + y) * width) + left) * channels));
            }
        }

        return new Image(width, height, channels, pixels);
    }

    private static Image RequireUniformTiles(IReadOnlyList<Image> tiles)
    {
        if (tiles.Count == 0)
        {
            throw new ArgumentException("An image grid needs at least one tile.", nameof(tiles));
        }

        var first = tiles[0] ?? throw new ArgumentException("Tile 0 is null.", nameof(tiles));
        for (var t = 1; t < tiles.Count; t++)
        {
            var tile = tiles[t] ?? throw new ArgumentException($"Tile {t} is null.", nameof(tiles));
            if (tile.Width != first.Width || tile.Height != first.Height)
            {
                throw new ArgumentException(
                    $"All tiles must have the same size: tile 0 is {first.Width}x{first.Height} but tile {t} is {tile.Width}x{tile.Height}.",
                    nameof(tiles));
            }
        }

        return first;
    }

    private static int CommonChannels(IReadOnlyList<Image> tiles)
    {
        var channels = tiles[0].Channels;
        if (tiles.All(tile => tile.Channels == channels))
        {
            return channels;
        }

        return tiles.Any(tile => tile.HasAlpha) ? 4 : 3;
    }
}
