namespace TrainExplain.Imaging;

/// <summary>How explanations are drawn.</summary>
/// <param name="Colormap">Heatmap colors (default jet, tf-explain's and pytorch-grad-cam's choice).</param>
/// <param name="Alpha">Heatmap opacity over the input.</param>
/// <param name="Upscale">Nearest-neighbour enlargement, so 28x28 inputs are visible in a dashboard.</param>
/// <param name="Columns">Tiles per grid row.</param>
/// <param name="Padding">Pixels between tiles.</param>
public sealed record RenderOptions(Colormap? Colormap = null, float Alpha = 0.5f, int Upscale = 4, int Columns = 8, int Padding = 2)
{
    /// <summary>The colormap in use.</summary>
    public Colormap Palette => Colormap ?? Colormap.Jet;
}
