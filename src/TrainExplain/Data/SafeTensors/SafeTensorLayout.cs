namespace TrainExplain.Data.SafeTensors;

/// <summary>One tensor as a header describes it: bytes <c>[Begin, End)</c> of the data buffer.</summary>
internal sealed record SafeTensorLayout(string Name, SafeTensorDType DType, long[] Shape, long Begin, long End)
{
    /// <summary>The tensor's byte count.</summary>
    public long Length => End - Begin;
}
