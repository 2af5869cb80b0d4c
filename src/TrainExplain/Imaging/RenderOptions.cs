namespace TrainExplain.Imaging;

/// <summary>How explanations are drawn.</summary>
/// <param name="Colormap">Heatmap colors (default jet, tf-explain's and pytorch-grad-cam's choice).</param>
/// <param name="Alpha">Heatmap opacity over the input.</param>
/// <param name="Upscale">Nearest-neighbour enlargement, so 28x28 inputs are visible in a dashboard.</param>
/// <param name="Columns">Tiles per grid row.</param>
/// <param name="Padding">Pixels between tiles.</param>
public sealed record RenderOptions(Colormap? Colormap = null, float Alpha = 0.5f, int Upscale = 4, int Columns = 8, int Padding = 2)
{
    /// <summary>The default of <see cref="FigureTiles"/>: eight rows of the default eight columns.</summary>
    public const int DefaultFigureTiles = 64;

    private readonly int figureTiles = DefaultFigureTiles;

    /// <summary>
    /// The preprocessing that made the explained inputs (<see cref="ImagePreprocessing.Apply"/>), or null for inputs in
    /// [0, 1]. Normalized inputs are drawn de-normalized (<see cref="ImagePreprocessing.Denormalize"/>), so the heatmaps lie
    /// over the photo as the model saw it, after its resize and crop, rather than over clamped normalized values.
    /// </summary>
    public ImagePreprocessing? InputPreprocessing { get; init; }

    /// <summary>The colormap in use.</summary>
    public Colormap Palette => Colormap ?? Colormap.Jet;

    /// <summary>
    /// The most tiles a labeled figure shows (<see cref="ExplanationFigure.RenderFigure"/>, the callbacks' grids): an
    /// explanation of more images shows its first <see cref="FigureTiles"/> and its caption says how many of how many.
    /// This bounds a figure's pixels and the work of drawing it whatever the image count: 10,000 images once made a
    /// 962x200,044 px figure, beyond what PNG readers (the library's included) accept. The tensors keep every image.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int FigureTiles
    {
        get => figureTiles;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(FigureTiles));
            figureTiles = value;
        }
    }

    /// <summary>How many of <paramref name="pictures"/> a figure shows: at most <see cref="FigureTiles"/>.</summary>
    public int FigureTilesOf(int pictures) => Math.Min(pictures, FigureTiles);
}
