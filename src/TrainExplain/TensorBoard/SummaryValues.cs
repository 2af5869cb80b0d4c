using System.Globalization;
using System.Text;
using Google.Protobuf;
using TrainExplain.Imaging;
using TrainExplain.TensorBoard.Proto;

namespace TrainExplain.TensorBoard;

/// <summary>Builds the <c>Summary.Value</c> of each summary kind as TensorBoard reads it (shared/TENSORBOARD-FORMAT.md).</summary>
internal static class SummaryValues
{
    /// <summary>The plugin TensorBoard shows several images per step with.</summary>
    public const string ImagesPlugin = "images";

    /// <summary>The plugin TensorBoard shows markdown text with.</summary>
    public const string TextPlugin = "text";

    /// <summary>The suffix TensorBoard's text plugin expects on text tags.</summary>
    public const string TextTagSuffix = "/text_summary";

    /// <summary>A scalar as a legacy float <c>simple_value</c>.</summary>
    public static Summary.Types.Value Scalar(string tag, float value) => new() { Tag = tag, SimpleValue = value };

    /// <summary>One image as a legacy <c>Summary.Image</c> holding PNG bytes.</summary>
    public static Summary.Types.Value Image(string tag, Image image) => new()
    {
        Tag = tag,
        Image = new Summary.Types.Image
        {
            Width = image.Width,
            Height = image.Height,
            Colorspace = image.Channels,
            EncodedImageString = ByteString.CopyFrom(Png.Encode(image)),
        },
    };

    /// <summary>Several images as a rank-1 string tensor <c>[width, height, png_0, ..., png_k-1]</c> of the images plugin.</summary>
    public static Summary.Types.Value Images(string tag, IReadOnlyList<Image> images, bool withMetadata)
    {
        var tensor = StringTensor(images.Count + 2);
        tensor.StringVal.Add(ByteString.CopyFromUtf8(images[0].Width.ToString(CultureInfo.InvariantCulture)));
        tensor.StringVal.Add(ByteString.CopyFromUtf8(images[0].Height.ToString(CultureInfo.InvariantCulture)));
        tensor.StringVal.AddRange(images.Select(image => ByteString.CopyFrom(Png.Encode(image))));
        return new Summary.Types.Value
        {
            Tag = tag,
            Tensor = tensor,
            Metadata = withMetadata ? PluginMetadata(ImagesPlugin, DataClass.BlobSequence) : null,
        };
    }

    /// <summary>Markdown text as a one-element string tensor of the text plugin (the tag must end in <see cref="TextTagSuffix"/>).</summary>
    public static Summary.Types.Value Text(string tag, string markdown, bool withMetadata)
    {
        var tensor = StringTensor(1);
        tensor.StringVal.Add(ByteString.CopyFrom(Encoding.UTF8.GetBytes(markdown)));
        return new Summary.Types.Value
        {
            Tag = tag,
            Tensor = tensor,
            Metadata = withMetadata ? PluginMetadata(TextPlugin, DataClass.Tensor) : null,
        };
    }

    /// <summary>A legacy <c>HistogramProto</c> of the values (see <see cref="HistogramBuilder"/>).</summary>
    public static Summary.Types.Value Histogram(string tag, ReadOnlySpan<float> values, int bins) =>
        new() { Tag = tag, Histo = HistogramBuilder.Build(values, bins) };

    private static TensorProto StringTensor(int length) => new()
    {
        Dtype = DataType.DtString,
        TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = length } } },
    };

    // The plugin content stays empty: the plugins' own PluginData messages at version 0 serialize to no bytes.
    private static SummaryMetadata PluginMetadata(string plugin, DataClass dataClass) => new()
    {
        PluginData = new SummaryMetadata.Types.PluginData { PluginName = plugin },
        DataClass = dataClass,
    };
}
