using System.Text;
using Google.Protobuf;
using TrainExplain.TensorBoard;
using TrainExplain.TensorBoard.Proto;

namespace TrainExplain.Tests.TensorBoard;

/// <summary>The test vectors of shared/TENSORBOARD-FORMAT.md, byte for byte.</summary>
public sealed class TfRecordTests
{
    internal const string FileVersionRecord = "1800000000000000a37f4b2209000000000000f03f1a0d627261696e2e4576656e743a3286bf577a";

    internal const string LossRecord = "1a00000000000000129bd82d09000000000000f03f10052a0d0a0b0a046c6f7373150000003f1e6d8ff9";

    [Fact]
    public void Crc32C_MatchesTheCheckValue()
    {
        Assert.Equal(0xE3069283u, TfRecord.Crc32C(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void MaskedCrc32C_MatchesTheVectors()
    {
        Assert.Equal(0xC78AB0E5u, TfRecord.MaskedCrc32C(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0xA282EAD8u, TfRecord.MaskedCrc32C([]));
    }

    [Fact]
    public void Frame_OfFileVersionEvent_MatchesTheVector()
    {
        var logged = new Event { WallTime = 1.0, FileVersion = "brain.Event:2" };
        Assert.Equal(FileVersionRecord, Convert.ToHexStringLower(TfRecordFraming.Frame(logged.ToByteArray())));
    }

    [Fact]
    public void Frame_OfScalarEvent_MatchesTheVector()
    {
        var logged = new Event
        {
            WallTime = 1.0,
            Step = 5,
            Summary = new Summary { Value = { new Summary.Types.Value { Tag = "loss", SimpleValue = 0.5f } } },
        };
        Assert.Equal(LossRecord, Convert.ToHexStringLower(TfRecordFraming.Frame(logged.ToByteArray())));
    }
}
