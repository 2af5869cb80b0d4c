namespace TrainExplain.Imaging;

/// <summary>
/// The CRC-32 of PNG chunks (ISO 3309 / ITU-T V.42, reflected polynomial 0xEDB88320; PNG specification, section 5.5).
/// The BCL exposes no CRC-32 (System.IO.Hashing is a separate package), so this is the specification's table-driven code.
/// </summary>
internal static class PngCrc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of the concatenation of <paramref name="first"/> and <paramref name="second"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) =>
        ~Update(Update(uint.MaxValue, first), second);

    private static uint Update(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
