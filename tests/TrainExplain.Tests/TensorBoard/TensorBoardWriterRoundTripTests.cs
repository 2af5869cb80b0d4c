using Google.Protobuf;
using TrainExplain.Imaging;
using TrainExplain.TensorBoard;
using TrainExplain.TensorBoard.Proto;
using TrainExplain.Testing;
using TrainExplain.Tests.Imaging;

namespace TrainExplain.Tests.TensorBoard;

/// <summary>Write-then-read round trips of every summary kind.</summary>
public sealed class TensorBoardWriterRoundTripTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Scalars_KeepValueStepAndWallTime()
    {
        var wallTime = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250);
        var events = Write(writer =>
        {
            writer.AddScalar("loss", 0f, 0, wallTime);
            writer.AddScalar("loss", float.NaN, 1);
            writer.AddScalar("accuracy", -2.5f, 1);
        });

        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(1_700_000_000.25, events[1].WallTime);
        var loss = events.Scalars("loss");
        Assert.Equal([0L, 1L], loss.Select(x => x.Step));
        Assert.Equal(0f, loss[0].Value);
        Assert.True(float.IsNaN(loss[1].Value));
        Assert.Equal([(1L, -2.5f)], events.Scalars("accuracy"));
        Assert.Equal(["loss", "accuracy"], events.Tags());
        Assert.All(events.Skip(1).SelectMany(e => e.Values), v => Assert.Equal(LoggedValueKind.Scalar, v.Kind));
    }

    [Fact]
    public void AddScalars_WritesOneRunPerKeyUnderTheMainTag()
    {
        using (var writer = new TensorBoardWriter(directory.Path))
        {
            writer.AddScalars("loss/epoch", new Dictionary<string, float> { ["train"] = 1f, ["validation"] = 2f }, 0);
            writer.AddScalars("loss/epoch", new Dictionary<string, float> { ["train"] = 0.5f, ["validation"] = 1.5f }, 1);
        }

        Assert.Equal([(0L, 1f), (1L, 0.5f)], EventFileReader.ReadRun(Path.Combine(directory.Path, "loss_epoch_train")).Scalars("loss/epoch"));
        Assert.Equal([(0L, 2f), (1L, 1.5f)], EventFileReader.ReadRun(Path.Combine(directory.Path, "loss_epoch_validation")).Scalars("loss/epoch"));
    }

    [Fact]
    public void AddImage_StoresAPngOfTheImage()
    {
        var image = Overlay.Blend(new Image(8, 6, 1, new byte[48]), new float[48], Colormap.Viridis, 0.5f);
        var events = Write(writer => writer.AddImage("explain/GradCam", image, 3));
        var (step, value) = Assert.Single(events.ValuesOf("explain/GradCam"));
        Assert.Equal(3, step);
        Assert.Equal(LoggedValueKind.Image, value.Kind);
        Assert.Equal((8, 6), (value.Image!.Width, value.Image.Height));
        Assert.Equal(image, value.Image.Decode());
    }

    [Fact]
    public void AddImage_OfAnEncodedImage_LogsTheBytesPngSaveWrites()
    {
        var encoded = EncodedImage.Encode(PngTests.SmoothNoise(7, 5, 4));
        var path = Path.Combine(directory.Path, "grid.png");
        Png.Save(encoded, path);
        var events = Write(writer => writer.AddImage("explain/grid", encoded, 2));
        var value = Assert.Single(events.ValuesOf("explain/grid")).Value;
        Assert.Equal((7, 5), (value.Image!.Width, value.Image.Height));
        Assert.Equal(File.ReadAllBytes(path), value.Image.Encoded);
        Assert.Equal(4, Assert.Single(RawValues("explain/grid")).Image.Colorspace);
    }

    [Fact]
    public void AddImage_OfAnImage_LogsItsEncoding()
    {
        // Skia writes no gray+alpha PNG: the image is encoded as RGBA, and the colorspace says so.
        var image = PngTests.SmoothNoise(6, 3, 2);
        var events = Write(writer => writer.AddImage("gray", image, 0));
        var logged = Assert.Single(events.ValuesOf("gray")).Value.Image!;
        Assert.Equal(EncodedImage.Encode(image).PngBytes.ToArray(), logged.Encoded);
        Assert.Equal(image.ToChannels(4), logged.Decode());
        Assert.Equal(4, Assert.Single(RawValues("gray")).Image.Colorspace);
    }

    [Fact]
    public void AddImageSamples_OfEncodedImages_LogsTheirBytesInOrder()
    {
        EncodedImage[] samples = [EncodedImage.Encode(PngTests.SmoothNoise(5, 4, 3)), EncodedImage.Encode(PngTests.SmoothNoise(5, 4, 1))];
        var events = Write(writer => writer.AddImageSamples("samples", samples, 0));
        var value = Assert.Single(events.ValuesOf("samples")).Value;
        Assert.Equal((LoggedValueKind.Images, "images"), (value.Kind, value.PluginName));
        Assert.Equal(samples.Select(s => s.PngBytes.ToArray()), value.Images!.Select(i => i.Encoded));
        Assert.All(value.Images!, i => Assert.Equal((5, 4), (i.Width, i.Height)));
    }

    [Fact]
    public void AddImages_StoresEverySampleAndPluginMetadataOnlyOnce()
    {
        var first = PngTests.SmoothNoise(5, 4, 3);
        var second = PngTests.SmoothNoise(5, 4, 1);
        var events = Write(writer =>
        {
            writer.AddImageSamples("samples", [first, second], 0);
            writer.AddImageSamples("samples", [second], 1);
        });

        var values = events.ValuesOf("samples");
        Assert.Equal([0L, 1L], values.Select(x => x.Step));
        Assert.All(values, x => Assert.Equal((LoggedValueKind.Images, "images"), (x.Value.Kind, x.Value.PluginName)));
        Assert.Equal([first, second], values[0].Value.Images!.Select(i => i.Decode()));
        Assert.Equal((5, 4), (values[0].Value.Images![0].Width, values[0].Value.Images![0].Height));
        Assert.Equal([second], values[1].Value.Images!.Select(i => i.Decode()));
        Assert.Equal([true, false], RawValues("samples").Select(v => v.Metadata is not null));
        Assert.Equal(DataClass.BlobSequence, RawValues("samples")[0].Metadata.DataClass);
    }

    [Fact]
    public void AddHistogram_StoresEqualWidthBuckets()
    {
        var events = Write(writer =>
        {
            writer.AddHistogram("weights", [9f, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], 0, bins: 5);
            writer.AddHistogram("weights", [3f, 3f, 3f], 1);
        });

        var values = events.ValuesOf("weights");
        var spread = values[0].Value.Histogram!;
        Assert.Equal((0.0, 9.0, 10.0, 45.0, 285.0), (spread.Min, spread.Max, spread.Count, spread.Sum, spread.SumSquares));
        Assert.Equal([1.8, 3.6, 5.4, 7.2, 9.0], spread.BucketLimits.Select(x => Math.Round(x, 12)));
        Assert.Equal([2.0, 2.0, 2.0, 2.0, 2.0], spread.BucketCounts);
        var constant = values[1].Value.Histogram!;
        Assert.Equal((3.0, 3.0, 3.0), (constant.Min, constant.Max, constant.Count));
        Assert.Equal([3.0], constant.BucketLimits);
        Assert.Equal([3.0], constant.BucketCounts);
    }

    [Fact]
    public void AddText_StoresMarkdownUnderTheTextPluginTag()
    {
        var events = Write(writer =>
        {
            writer.AddText("notes", "**epoch 1**: ok ✓", 1);
            writer.AddText("notes", "", 2);
        });

        var values = events.ValuesOf("notes/text_summary");
        Assert.Equal([(1L, "**epoch 1**: ok ✓"), (2L, "")], values.Select(x => (x.Step, x.Value.Text!)));
        Assert.All(values, x => Assert.Equal((LoggedValueKind.Text, "text"), (x.Value.Kind, x.Value.PluginName)));
        Assert.Equal([true, false], RawValues("notes/text_summary").Select(v => v.Metadata is not null));
        // Issue 24: a rank-0 string tensor, which the text plugin shows as the markdown itself, not inside a 1x1 table; the bytes
        // are protoc's encoding of `dtype: DT_STRING tensor_shape {} string_val: "..."` with TensorBoard's tensor.proto.
        Assert.All(RawValues("notes/text_summary"), v => Assert.Equal((DataType.DtString, 0, 1), (v.Tensor.Dtype, v.Tensor.TensorShape.Dim.Count, v.Tensor.StringVal.Count)));
        Assert.Equal("0807120042132a2a65706f636820312a2a3a206f6b20e29c93", Convert.ToHexStringLower(RawValues("notes/text_summary")[0].Tensor.ToByteArray()));
    }

    private List<LoggedEvent> Write(Action<TensorBoardWriter> log)
    {
        using (var writer = new TensorBoardWriter(directory.Path))
        {
            log(writer);
        }

        return EventFileReader.ReadRun(directory.Path).ToList();
    }

    private List<Summary.Types.Value> RawValues(string tag) =>
        EventFileReader.EventFiles(directory.Path)
            .SelectMany(TfRecordReader.Read)
            .Select(record => Event.Parser.ParseFrom(record.Data))
            .Where(logged => logged.Summary is not null)
            .SelectMany(logged => logged.Summary.Value)
            .Where(value => value.Tag == tag)
            .ToList();
}
