namespace TrainExplain.Data;

/// <summary>The contents of one IDX file: its element type, its dimensions and its elements in row-major order.</summary>
internal sealed class IdxArray
{
    /// <summary>Creates an array from parts already checked by <see cref="IdxFile.Read"/>.</summary>
    /// <param name="elementType">The element type (a one-byte type).</param>
    /// <param name="dimensions">The dimensions, outermost first.</param>
    /// <param name="data">The elements, one byte each, row-major.</param>
    internal IdxArray(IdxElementType elementType, int[] dimensions, byte[] data)
    {
        ElementType = elementType;
        Dimensions = Array.AsReadOnly(dimensions);
        Data = data;
    }

    /// <summary>The element type; <see cref="IdxElementType.UnsignedByte"/> or <see cref="IdxElementType.SignedByte"/>.</summary>
    public IdxElementType ElementType { get; }

    /// <summary>The dimensions, outermost first (for MNIST images: count, rows, columns).</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The elements, one byte each, in row-major order (signed bytes are stored as their bit pattern).</summary>
    public byte[] Data { get; }
}
