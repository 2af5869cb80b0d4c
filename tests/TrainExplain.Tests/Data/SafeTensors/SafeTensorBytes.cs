using TrainExplain.Data.SafeTensors;

namespace TrainExplain.Tests.Data.SafeTensors;

/// <summary>Safetensors files in memory for the tests, through the library's own writer and reader.</summary>
internal static class SafeTensorBytes
{
    /// <summary>The bytes <see cref="SafeTensorsFile.Save"/> writes for <paramref name="tensors"/> and <paramref name="metadata"/>.</summary>
    public static byte[] Serialize(IEnumerable<SafeTensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    /// <summary>Writes the file's bytes to <paramref name="stream"/> at its position.</summary>
    public static void Write(Stream stream, IEnumerable<SafeTensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsFile.Write(stream, SafeTensorsHeaderWriter.Prepare(tensors, metadata));

    /// <summary>Reads <paramref name="file"/> as <see cref="SafeTensorsFile.Load"/> reads a file.</summary>
    public static SafeTensorsContent Deserialize(byte[] file) => Deserialize(file, file.Length);

    /// <summary>Reads the first <paramref name="length"/> bytes of <paramref name="file"/>.</summary>
    public static SafeTensorsContent Deserialize(byte[] file, int length)
    {
        using var stream = new MemoryStream(file, 0, length);
        return SafeTensorsFile.Read(stream);
    }
}
