namespace TrainExplain.Data.SafeTensors;

/// <summary>Tensors in the order they are written, with the padded header that describes them.</summary>
internal sealed record PreparedSafeTensors(IReadOnlyList<SafeTensorEntry> Tensors, byte[] Header)
{
    /// <summary>The length of the whole file: 8-byte prefix, header, data buffer.</summary>
    public long FileLength => sizeof(ulong) + Header.Length + Tensors.Sum(tensor => (long)tensor.Data.Length);
}
