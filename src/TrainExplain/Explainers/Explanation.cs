using TrainExplain.Data.SafeTensors;
using TrainExplain.Imaging;

namespace TrainExplain.Explainers;

/// <summary>
/// The result of one explainer call: the raw output (a CPU tensor), the targets and their scores S_c(x), the method's
/// parameters, its cost in forward+backward passes per image and the time it took, rendered to pictures on demand.
/// It owns its tensors: dispose it.
/// </summary>
public abstract class Explanation : IDisposable
{
    /// <summary>Parameters of how the work was batched, which change no picture: left out of <see cref="Caption"/>.</summary>
    private static readonly string[] CaptionOmits = ["internal_batch_size", "gradient_pass"];

    private readonly List<Tensor> owned = [];

    /// <summary>Creates the result, complete; <paramref name="raw"/> (a CPU tensor) is taken over.</summary>
    protected Explanation(ExplanationInfo info, Tensor raw, long[] targets, float[] scores)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(scores);
        Info = info;
        Raw = Own(raw)!;
        (Targets, Scores) = (targets, scores);
    }

    /// <summary>The call that made this result: method, cost, parameters, time.</summary>
    public ExplanationInfo Info { get; }

    /// <summary>The method's display name.</summary>
    public string Method => Info.Method;

    /// <summary>The method's raw output (signed float32 attributions, activations or images), on the CPU.</summary>
    public Tensor Raw { get; }

    /// <summary>The class explained for each image (or optimized for each picture).</summary>
    public long[] Targets { get; }

    /// <summary>S_c(x) of each input for its target.</summary>
    public float[] Scores { get; }

    /// <summary>Forward+backward passes per image (forward-only passes for occlusion), the method's cost model.</summary>
    public int Passes => Info.Passes;

    /// <summary>The method's parameters as text.</summary>
    public IReadOnlyDictionary<string, string> Parameters => Info.Parameters;

    /// <summary>Wall-clock time of the call, including the final copy to the host.</summary>
    public TimeSpan Elapsed => Info.Elapsed;

    /// <summary>One picture per image (or per class).</summary>
    public abstract IReadOnlyList<Image> RenderImages(RenderOptions? options = null);

    /// <summary>What the colors of <see cref="RenderImages"/> mean, for a figure's colour bar.</summary>
    public abstract ColorLegend Legend(RenderOptions? options = null);

    /// <summary>
    /// One line saying what this is: the method, how the pictures are laid out where that needs saying, and the
    /// parameters (layer, score, targets, ...), e.g. <c>GradCam (layer: last Conv2d, score: logit, targets: labels)</c>.
    /// </summary>
    public string Caption => $"{Method}{(Layout is { } layout ? $", {layout}" : "")} ({string.Join(", ", Parameters.Where(p => !CaptionOmits.Contains(p.Key)).Select(p => $"{p.Key}: {p.Value}"))})";

    /// <summary>How each picture is laid out, where it needs saying (e.g. a grid of channels), or null.</summary>
    protected virtual string? Layout => null;

    /// <summary>All pictures in one plain grid, laid out for their count (<see cref="GridLayout"/>).</summary>
    public Image RenderGrid(RenderOptions? options = null)
    {
        var o = options ?? new RenderOptions();
        return ComposeGrid(RenderImages(o), o);
    }

    /// <summary>Tiles already rendered with <paramref name="options"/>, laid out as <see cref="RenderGrid"/> does.</summary>
    public static Image ComposeGrid(IReadOnlyList<Image> tiles, RenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentNullException.ThrowIfNull(options);
        return ImageGrid.Compose(tiles, GridLayout.Columns(Math.Max(1, tiles.Count), options.Columns, tiles.Count == 0 ? 1 : tiles[0].Width + options.Padding),
            options.Padding, background: 0);
    }

    /// <summary>
    /// All pictures as a figure a person can read alone: <paramref name="caption"/> (default <see cref="Caption"/>) on top,
    /// each tile with its label (if given) under it, laid out for their count, and the colour bar of <see cref="Legend"/>.
    /// A tile the explanation has a note for (<c>flat map</c>, see <see cref="Attribution.FlatMaps"/>) says it on a last
    /// label line, labels given or not.
    /// </summary>
    /// <param name="labels">One label per picture (true class, prediction, explained class), or null for none.</param>
    /// <param name="caption">The line on top, or null for <see cref="Caption"/>.</param>
    /// <param name="options">Colormap, upscale, columns, padding.</param>
    /// <exception cref="ArgumentException">The label count differs from the picture count.</exception>
    public Image RenderFigure(IReadOnlyList<TileLabel>? labels = null, string? caption = null, RenderOptions? options = null)
    {
        var o = options ?? new RenderOptions();
        return ComposeFigure(RenderImages(o), labels, caption ?? Caption, o);
    }

    /// <summary>Tiles already rendered with <paramref name="options"/>, composed as <see cref="RenderFigure"/> does.</summary>
    public Image ComposeFigure(IReadOnlyList<Image> tiles, IReadOnlyList<TileLabel>? labels, string caption, RenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentNullException.ThrowIfNull(options);
        var noted = WithNotes(labels, tiles.Count);
        var shown = noted is null ? tiles : LabelledTiles.Draw(tiles, noted);
        return Figure.Compose(shown, caption, Legend(options), options.Columns, options.Padding);
    }

    /// <summary>A short note for the tile of picture <paramref name="index"/> (e.g. <c>flat map</c>), or null for none.</summary>
    protected virtual string? TileNote(int index) => null;

    /// <summary>The labels with each tile's <see cref="TileNote"/> (which replaces a label's own), blank labels where there are notes but no labels.</summary>
    private IReadOnlyList<TileLabel>? WithNotes(IReadOnlyList<TileLabel>? labels, int count)
    {
        var notes = Enumerable.Range(0, count).Select(i => i < Targets.Length ? TileNote(i) : null).ToList();
        if (notes.TrueForAll(n => n is null) || (labels is not null && labels.Count != count))
        {
            // Nothing to add; or a count mismatch, which LabelledTiles.Draw reports.
            return labels;
        }
        return [.. notes.Select((note, i) => labels?[i] is { } label ? note is null ? label : label with { Note = note } : new TileLabel(null, null, null, null) { Note = note })];
    }

    /// <summary>Saves <see cref="RenderGrid"/> as a PNG (written to a temporary name, then renamed).</summary>
    public void SaveGrid(string path, RenderOptions? options = null) => Png.Save(RenderGrid(options), path);

    /// <summary>
    /// Saves <see cref="RenderFigure"/> as a PNG (written to a temporary name, then renamed): the labelled figure the
    /// callbacks write during training. <see cref="Callbacks.TileLabels"/> makes the labels as they do.
    /// </summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="labels">One label per picture, or null for none.</param>
    /// <param name="caption">The line on top, or null for <see cref="Caption"/>.</param>
    /// <param name="options">Colormap, upscale, columns, padding.</param>
    /// <exception cref="ArgumentException">The label count differs from the picture count.</exception>
    public void SaveFigure(string path, IReadOnlyList<TileLabel>? labels = null, string? caption = null, RenderOptions? options = null) =>
        Png.Save(RenderFigure(labels, caption, options), path);

    /// <summary>
    /// Saves the tensors as safetensors: <c>attributions</c> (raw), <c>targets</c> (int64), <c>scores</c>, each method's
    /// extras, and <paramref name="extra"/> tensors of the caller's (e.g. faithfulness figures), with the parameters as metadata.
    /// </summary>
    public void SaveTensors(string path, IReadOnlyDictionary<string, Tensor>? extra = null)
    {
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["attributions"] = Raw,
            ["targets"] = torch.tensor(Targets),
            ["scores"] = torch.tensor(Scores),
        };
        foreach (var (name, tensor) in ExtraTensors().Concat(extra?.Select(p => (p.Key, p.Value)) ?? []))
        {
            tensors[name] = tensor;
        }
        var metadata = Parameters.ToDictionary(p => p.Key, p => p.Value);
        metadata["method"] = Method;
        TensorSafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>Further tensors saved by <see cref="SaveTensors"/>, by name.</summary>
    protected virtual IEnumerable<(string Name, Tensor Tensor)> ExtraTensors() => [];

    /// <summary>Takes ownership of a CPU tensor (null stays null).</summary>
    protected Tensor? Own(Tensor? tensor)
    {
        if (tensor is not null)
        {
            owned.Add(tensor.DetachFromDisposeScope());
        }
        return tensor;
    }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        owned.ForEach(t => t.Dispose());
        owned.Clear();
        GC.SuppressFinalize(this);
    }
}
