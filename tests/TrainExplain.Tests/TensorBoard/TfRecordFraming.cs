using TrainExplain.TensorBoard;

namespace TrainExplain.Tests.TensorBoard;

/// <summary>Whole TFRecord records for the tests, framed by the writer's own <see cref="TfRecord.Seal"/>.</summary>
internal static class TfRecordFraming
{
    /// <summary>The complete record bytes framing <paramref name="data"/>.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> data)
    {
        var record = new byte[TfRecord.HeaderLength + data.Length + TfRecord.FooterLength];
        data.CopyTo(record.AsSpan(TfRecord.HeaderLength));
        TfRecord.Seal(record);
        return record;
    }
}
