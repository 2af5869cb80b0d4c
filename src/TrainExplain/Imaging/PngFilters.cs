using System.Numerics;

namespace TrainExplain.Imaging;

/// <summary>
/// The five PNG row filters (PNG specification, section 9: None, Sub, Up, Average, Paeth). Filters work on bytes:
/// "left" is the byte one pixel (<c>bytesPerPixel</c>) to the left, "up" the same byte in the previous row (0 for the first row).
/// </summary>
internal static class PngFilters
{
    /// <summary>The number of filter types; a filter type byte is 0 to Count - 1.</summary>
    public const int Count = 5;

    /// <summary>
    /// Filters <paramref name="row"/> with filter <paramref name="type"/> into <paramref name="output"/> and returns
    /// the sum of the output bytes read as signed values (the usual "minimum sum of absolute differences" heuristic score).
    /// </summary>
    public static long Filter(int type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int bytesPerPixel, Span<byte> output)
    {
        var first = Math.Min(bytesPerPixel, row.Length);
        switch (type)
        {
            case 0:
                row.CopyTo(output);
                break;
            case 1:
                row[..first].CopyTo(output);
                Subtract(row[first..], row, output[first..]);
                break;
            case 2:
                Subtract(row, previous, output);
                break;
            case 3:
                for (var i = 0; i < row.Length; i++)
                {
                    output[i] = (byte)(row[i] - (((i >= bytesPerPixel ? row[i - bytesPerPixel] : 0) + previous[i]) >> 1));
                }

                break;
            default:
                // Paeth of the first pixel predicts "up": left and up-left are 0.
                Subtract(row[..first], previous, output);
                for (var i = first; i < row.Length; i++)
                {
                    output[i] = (byte)(row[i] - Paeth(row[i - bytesPerPixel], previous[i], previous[i - bytesPerPixel]));
                }

                break;
        }

        return Score(output[..row.Length]);
    }

    /// <summary>Reverses filter <paramref name="type"/> on <paramref name="row"/> in place.</summary>
    /// <exception cref="InvalidDataException">The filter type is not 0 to 4.</exception>
    public static void Unfilter(int type, Span<byte> row, ReadOnlySpan<byte> previous, int bytesPerPixel, int rowIndex)
    {
        if (type is < 0 or >= Count)
        {
            throw new InvalidDataException($"PNG row {rowIndex} has filter type {type}; expected 0 to 4.");
        }

        if (type == 0)
        {
            return;
        }

        for (var i = 0; i < row.Length; i++)
        {
            var left = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0;
            var upLeft = i >= bytesPerPixel ? previous[i - bytesPerPixel] : 0;
            row[i] = (byte)(row[i] + Predict(type, left, previous[i], upLeft));
        }
    }

    /// <summary><c>output[i] = minuend[i] - subtrahend[i]</c> (mod 256) for i below minuend's length, vectorized.</summary>
    private static void Subtract(ReadOnlySpan<byte> minuend, ReadOnlySpan<byte> subtrahend, Span<byte> output)
    {
        var i = 0;
        for (; i <= minuend.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            (new Vector<byte>(minuend[i..]) - new Vector<byte>(subtrahend[i..])).CopyTo(output[i..]);
        }

        for (; i < minuend.Length; i++)
        {
            output[i] = (byte)(minuend[i] - subtrahend[i]);
        }
    }

    /// <summary>The sum of the bytes read as signed values' magnitudes, vectorized.</summary>
    private static long Score(ReadOnlySpan<byte> filtered)
    {
        var sums = Vector<uint>.Zero;
        var i = 0;
        for (; i <= filtered.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            // |(sbyte)b| read back as a byte is right for every value, -128 included (it wraps to 0x80 = 128).
            var magnitudes = Vector.AsVectorByte(Vector.Abs(Vector.AsVectorSByte(new Vector<byte>(filtered[i..]))));
            Vector.Widen(magnitudes, out var low, out var high);
            Vector.Widen(low + high, out var lowSums, out var highSums);
            sums += lowSums + highSums;
        }

        long score = Vector.Sum(sums);
        for (; i < filtered.Length; i++)
        {
            score += Math.Abs((int)(sbyte)filtered[i]);
        }

        return score;
    }

    private static int Predict(int type, int left, int up, int upLeft) => type switch
    {
        1 => left,
        2 => up,
        3 => (left + up) >> 1,
        4 => Paeth(left, up, upLeft),
        _ => 0,
    };

    private static int Paeth(int left, int up, int upLeft)
    {
        var estimate = left + up - upLeft;
        var distanceLeft = Math.Abs(estimate - left);
        var distanceUp = Math.Abs(estimate - up);
        var distanceUpLeft = Math.Abs(estimate - upLeft);
        if (distanceLeft <= distanceUp && distanceLeft <= distanceUpLeft)
        {
            return left;
        }

        return distanceUp <= distanceUpLeft ? up : upLeft;
    }
}
