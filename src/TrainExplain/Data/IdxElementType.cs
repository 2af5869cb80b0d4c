namespace TrainExplain.Data;

/// <summary>
/// Element type codes of the IDX format (third byte of the magic number), as defined with the MNIST
/// database (LeCun et al., http://yann.lecun.com/exdb/mnist/).
/// </summary>
internal enum IdxElementType : byte
{
    /// <summary>Unsigned byte (0x08), the type of every MNIST and Fashion-MNIST file.</summary>
    UnsignedByte = 0x08,

    /// <summary>Signed byte (0x09).</summary>
    SignedByte = 0x09,

    /// <summary>Big-endian 16-bit integer (0x0B); recognized but not read.</summary>
    Int16 = 0x0B,

    /// <summary>Big-endian 32-bit integer (0x0C); recognized but not read.</summary>
    Int32 = 0x0C,

    /// <summary>Big-endian 32-bit float (0x0D); recognized but not read.</summary>
    Single = 0x0D,

    /// <summary>Big-endian 64-bit float (0x0E); recognized but not read.</summary>
    Double = 0x0E,
}
