using System.Buffers.Binary;
using System.Globalization;
using TrainExplain.TensorBoard;
using TrainExplain.TensorBoard.Proto;

namespace TrainExplain.Testing;

/// <summary>
/// Turns the protobuf values of one event file into <see cref="LoggedValue"/>s. As TensorBoard does, the decoder takes
/// each tag's metadata (plugin, description and display name) from the tag's first value in the file and applies it to the values after it.
/// </summary>
internal sealed class LoggedValueDecoder
{
    private readonly Dictionary<string, SummaryMetadata?> metadataOfTag = [];

    /// <summary>The read model of <paramref name="value"/>.</summary>
    public LoggedValue Decode(Summary.Types.Value value)
    {
        if (!metadataOfTag.TryGetValue(value.Tag, out var metadata))
        {
            metadata = value.Metadata;
            metadataOfTag[value.Tag] = metadata;
        }

        var plugin = metadata?.PluginData is { PluginName.Length: > 0 } pluginData ? pluginData.PluginName : null;
        var logged = value.ValueCase switch
        {
            Summary.Types.Value.ValueOneofCase.SimpleValue => new LoggedValue(value.Tag, LoggedValueKind.Scalar) { Scalar = value.SimpleValue },
            Summary.Types.Value.ValueOneofCase.Image => new LoggedValue(value.Tag, LoggedValueKind.Image)
            {
                Image = new LoggedImage(value.Image.Width, value.Image.Height, value.Image.EncodedImageString.ToByteArray()),
            },
            Summary.Types.Value.ValueOneofCase.Histo => new LoggedValue(value.Tag, LoggedValueKind.Histogram) { Histogram = Histogram(value.Histo) },
            Summary.Types.Value.ValueOneofCase.Tensor => DecodeTensor(value.Tag, value.Tensor, plugin),
            _ => new LoggedValue(value.Tag, LoggedValueKind.Other),
        };
        return logged with
        {
            PluginName = plugin,
            Description = metadata is { SummaryDescription.Length: > 0 } ? metadata.SummaryDescription : null,
            DisplayName = metadata is { DisplayName.Length: > 0 } ? metadata.DisplayName : null,
        };
    }

    private static LoggedValue DecodeTensor(string tag, TensorProto tensor, string? plugin) => plugin switch
    {
        SummaryValues.ImagesPlugin when tensor.StringVal.Count >= 2 => new LoggedValue(tag, LoggedValueKind.Images) { Images = Images(tensor) },
        SummaryValues.TextPlugin when tensor.StringVal.Count >= 1 => new LoggedValue(tag, LoggedValueKind.Text) { Text = tensor.StringVal[0].ToStringUtf8() },
        _ when tensor.Dtype == DataType.DtFloat && ScalarOf(tensor) is { } scalar => new LoggedValue(tag, LoggedValueKind.Scalar) { Scalar = scalar },
        _ => new LoggedValue(tag, LoggedValueKind.Other),
    };

    private static LoggedImage[] Images(TensorProto tensor)
    {
        var width = int.Parse(tensor.StringVal[0].ToStringUtf8(), CultureInfo.InvariantCulture);
        var height = int.Parse(tensor.StringVal[1].ToStringUtf8(), CultureInfo.InvariantCulture);
        return tensor.StringVal.Skip(2).Select(png => new LoggedImage(width, height, png.ToByteArray())).ToArray();
    }

    // A rank-0 float tensor (the scalars plugin's form) holds its value in float_val or in tensor_content.
    private static float? ScalarOf(TensorProto tensor)
    {
        if (tensor.TensorShape is { Dim.Count: > 0 })
        {
            return null;
        }

        if (tensor.FloatVal.Count == 1)
        {
            return tensor.FloatVal[0];
        }

        return tensor.TensorContent.Length == sizeof(float) ? BinaryPrimitives.ReadSingleLittleEndian(tensor.TensorContent.Span) : null;
    }

    private static LoggedHistogram Histogram(HistogramProto histo) =>
        new(histo.Min, histo.Max, histo.Num, histo.Sum, histo.SumSquares, histo.BucketLimit.ToArray(), histo.Bucket.ToArray());
}
