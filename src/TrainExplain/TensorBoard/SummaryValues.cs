using System.Globalization;
using System.Text;
using Google.Protobuf;
using TrainExplain.Imaging;
using TrainExplain.TensorBoard.Proto;

namespace TrainExplain.TensorBoard;

/// <summary>
/// Builds the <c>Summary.Value</c> of each summary kind as TensorBoard reads it (shared/TENSORBOARD-FORMAT.md), and the
/// metadata that goes on a tag's first value only.
/// </summary>
/// <remarks>
/// TensorBoard takes a tag's metadata, and so its description, from the tag's first value. Its Python loader
/// (<c>data_compat.migrate_value</c>) rebuilds the metadata of a legacy <c>simple_value</c>, <c>image</c> or
/// <c>histo</c> from scratch, keeping only <c>display_name</c> and <c>summary_description</c>; its fast Rust loader
/// (<c>data_compat.rs</c>, <c>SummaryValue::initial_metadata</c>) ignores a legacy value's metadata unless it sets a
/// data class, and then takes it verbatim. So a legacy value's description and display name are written with the plugin
/// name, plugin content and data class that the fast loader would otherwise synthesize, which both loaders then keep.
/// </remarks>
internal static class SummaryValues
{
    /// <summary>The plugin TensorBoard shows scalars with.</summary>
    public const string ScalarsPlugin = "scalars";

    /// <summary>The plugin TensorBoard shows images (one or several per step) with.</summary>
    public const string ImagesPlugin = "images";

    /// <summary>The plugin TensorBoard shows histograms and distributions with.</summary>
    public const string HistogramsPlugin = "histograms";

    /// <summary>The plugin TensorBoard shows markdown text with.</summary>
    public const string TextPlugin = "text";

    /// <summary>The suffix TensorBoard's text plugin expects on text tags.</summary>
    public const string TextTagSuffix = "/text_summary";

    /// <summary>
    /// <c>ImagePluginData{ version: 0, converted_to_tensor: true }</c> (field 2, varint 1): the content TensorBoard gives
    /// a legacy image's metadata when it converts it.
    /// </summary>
    private static readonly ByteString ConvertedImageContent = ByteString.CopyFrom(0x10, 0x01);

    /// <summary>A scalar as a legacy float <c>simple_value</c>.</summary>
    public static Summary.Types.Value Scalar(string tag, float value) => new() { Tag = tag, SimpleValue = value };

    /// <summary>The first-value metadata of a legacy scalar: null without a description and a display name.</summary>
    public static SummaryMetadata? ScalarMetadata(string? description, string? displayName) =>
        Described(description, displayName, ScalarsPlugin, DataClass.Scalar, ByteString.Empty);

    /// <summary>One image as a legacy <c>Summary.Image</c> wrapping the PNG bytes (not copied).</summary>
    public static Summary.Types.Value Image(string tag, EncodedImage image) => new()
    {
        Tag = tag,
        Image = new Summary.Types.Image
        {
            Width = image.Width,
            Height = image.Height,
            Colorspace = image.Channels,
            EncodedImageString = UnsafeByteOperations.UnsafeWrap(image.PngBytes),
        },
    };

    /// <summary>The first-value metadata of a legacy image: null without a description and a display name.</summary>
    public static SummaryMetadata? ImageMetadata(string? description, string? displayName) =>
        Described(description, displayName, ImagesPlugin, DataClass.BlobSequence, ConvertedImageContent);

    /// <summary>
    /// Several images as a rank-1 string tensor <c>[width, height, png_0, ..., png_k-1]</c> of the images plugin, wrapping
    /// the PNG bytes (not copied).
    /// </summary>
    public static Summary.Types.Value Images(string tag, IReadOnlyList<EncodedImage> images)
    {
        var tensor = StringTensor(images.Count + 2);
        tensor.StringVal.Add(ByteString.CopyFromUtf8(images[0].Width.ToString(CultureInfo.InvariantCulture)));
        tensor.StringVal.Add(ByteString.CopyFromUtf8(images[0].Height.ToString(CultureInfo.InvariantCulture)));
        tensor.StringVal.AddRange(images.Select(image => UnsafeByteOperations.UnsafeWrap(image.PngBytes)));
        return new Summary.Types.Value { Tag = tag, Tensor = tensor };
    }

    /// <summary>The first-value metadata of an images-plugin tensor: always written, it names the plugin.</summary>
    public static SummaryMetadata ImagesMetadata(string? description, string? displayName) =>
        PluginMetadata(ImagesPlugin, DataClass.BlobSequence, ByteString.Empty, description, displayName);

    /// <summary>
    /// Markdown text as a rank-0 string tensor of the text plugin (the tag must end in <see cref="TextTagSuffix"/>): the
    /// plugin renders a scalar as the markdown itself, where a shape-[1] tensor (PyTorch's <c>add_text</c>) gets an outer
    /// 1x1 table around it.
    /// </summary>
    public static Summary.Types.Value Text(string tag, string markdown) => new()
    {
        Tag = tag,
        Tensor = new TensorProto
        {
            Dtype = DataType.DtString,
            TensorShape = new TensorShapeProto(),
            StringVal = { ByteString.CopyFrom(Encoding.UTF8.GetBytes(markdown)) },
        },
    };

    /// <summary>The first-value metadata of a text-plugin tensor: always written, it names the plugin.</summary>
    public static SummaryMetadata TextMetadata(string? description, string? displayName) =>
        PluginMetadata(TextPlugin, DataClass.Tensor, ByteString.Empty, description, displayName);

    /// <summary>A legacy <c>HistogramProto</c>.</summary>
    public static Summary.Types.Value Histogram(string tag, HistogramProto histogram) => new() { Tag = tag, Histo = histogram };

    /// <summary>The first-value metadata of a legacy histogram: null without a description and a display name.</summary>
    public static SummaryMetadata? HistogramMetadata(string? description, string? displayName) =>
        Described(description, displayName, HistogramsPlugin, DataClass.Tensor, ByteString.Empty);

    private static TensorProto StringTensor(int length) => new()
    {
        Dtype = DataType.DtString,
        TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = length } } },
    };

    private static SummaryMetadata? Described(string? description, string? displayName, string plugin, DataClass dataClass, ByteString content) =>
        string.IsNullOrEmpty(description) && string.IsNullOrEmpty(displayName) ? null : PluginMetadata(plugin, dataClass, content, description, displayName);

    // The images and text plugins' own PluginData messages at version 0 serialize to no bytes, hence empty content.
    private static SummaryMetadata PluginMetadata(string plugin, DataClass dataClass, ByteString content, string? description, string? displayName) => new()
    {
        PluginData = new SummaryMetadata.Types.PluginData { PluginName = plugin, Content = content },
        DataClass = dataClass,
        SummaryDescription = description ?? "",
        DisplayName = displayName ?? "",
    };
}
