using System.Buffers.Binary;
using System.Text;

namespace TrainExplain.Tests.Data.SafeTensors;

/// <summary>Builds raw safetensors bytes by hand, independently of the writer under test.</summary>
internal static class SafeTensorTestFiles
{
    /// <summary>The 8-byte little-endian <paramref name="headerLength"/>, the UTF-8 <paramref name="header"/>, then <paramref name="dataLength"/> bytes 0, 1, 2, ...</summary>
    public static byte[] Compose(string header, int dataLength, ulong? headerLength = null)
    {
        byte[] headerBytes = Encoding.UTF8.GetBytes(header);
        return Compose(headerBytes, dataLength, headerLength ?? (ulong)headerBytes.Length);
    }

    /// <summary>Like <see cref="Compose(string, int, ulong?)"/> with raw header bytes.</summary>
    public static byte[] Compose(byte[] header, int dataLength, ulong headerLength)
    {
        byte[] file = new byte[8 + header.Length + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(file, headerLength);
        header.CopyTo(file, 8);
        for (int i = 0; i < dataLength; i++)
        {
            file[8 + header.Length + i] = (byte)i;
        }

        return file;
    }
}
