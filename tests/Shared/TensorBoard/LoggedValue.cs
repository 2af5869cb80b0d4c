namespace TrainExplain.Testing;

/// <summary>
/// One value of a logged event: a tag and, by <see cref="Kind"/>, exactly one of <see cref="Scalar"/>,
/// <see cref="Image"/>, <see cref="Images"/>, <see cref="Histogram"/> or <see cref="Text"/>.
/// </summary>
/// <param name="Tag">The tag as stored (text tags end in <c>/text_summary</c>).</param>
/// <param name="Kind">Which property holds the value.</param>
internal sealed record LoggedValue(string Tag, LoggedValueKind Kind)
{
    /// <summary>The plugin named by the metadata of this tag's first value in the file (e.g. <c>images</c>, <c>text</c>), or null.</summary>
    public string? PluginName { get; init; }

    /// <summary>The <c>summary_description</c> of this tag's first value in the file, or null when it has none.</summary>
    public string? Description { get; init; }

    /// <summary>The <c>display_name</c> of this tag's first value in the file, or null when it has none.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The scalar of a <see cref="LoggedValueKind.Scalar"/> value.</summary>
    public float? Scalar { get; init; }

    /// <summary>The image of a <see cref="LoggedValueKind.Image"/> value.</summary>
    public LoggedImage? Image { get; init; }

    /// <summary>The images of a <see cref="LoggedValueKind.Images"/> value, in logged order.</summary>
    public IReadOnlyList<LoggedImage>? Images { get; init; }

    /// <summary>The histogram of a <see cref="LoggedValueKind.Histogram"/> value.</summary>
    public LoggedHistogram? Histogram { get; init; }

    /// <summary>The text of a <see cref="LoggedValueKind.Text"/> value.</summary>
    public string? Text { get; init; }
}
