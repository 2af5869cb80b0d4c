using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using TrainExplain.Imaging;
using TrainExplain.TensorBoard.Proto;

namespace TrainExplain.TensorBoard;

/// <summary>
/// Writes TensorBoard event files, in the style of PyTorch's <c>torch.utils.tensorboard.SummaryWriter</c> (named apart
/// from TorchSharp's own <c>TorchSharp.Modules.SummaryWriter</c>, so both namespaces can be imported together).
/// Each writer creates a new file <c>events.out.tfevents.&lt;time&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;counter&gt;&lt;suffix&gt;</c> in
/// <see cref="LogDir"/>, whose first record (<c>file_version "brain.Event:2"</c>) is on disk when the constructor returns.
/// </summary>
/// <remarks>
/// <para><c>Add*</c> methods encode the record on the calling thread and queue it; a background thread appends whole
/// records to the file at least every <see cref="TensorBoardWriterOptions.FlushInterval"/>, so they never wait on the disk,
/// only on a full queue (<see cref="TensorBoardWriterOptions.QueueCapacity"/>). All members are safe to call from several threads.</para>
/// <para>Steps must increase strictly per tag: TensorBoard drops the points at or after a step that goes back.</para>
/// <para>Descriptions: every <c>Add*</c> takes an optional <c>description</c> (markdown: what the tag shows, its unit),
/// which TensorBoard shows beside the chart or image, and an optional <c>displayName</c> (<c>SummaryMetadata.display_name</c>),
/// which it shows as the title in place of the tag path, for a path not readable on its own (e.g. <c>Deletion AUC, GradCam</c>). TensorBoard reads a tag's metadata from the tag's first event only,
/// so the description and display name are written with the first record of the tag in this writer's file, and those
/// given later for a tag already logged are ignored: pass them from the first call on.</para>
/// <para>When the background write fails (disk full, say), the next <c>Add*</c>, <see cref="Flush"/> or
/// <see cref="Dispose"/> throws an <see cref="IOException"/> wrapping the cause. Records still queued when the process
/// ends without <see cref="Dispose"/> or <see cref="Flush"/> are lost; everything flushed survives a crash.</para>
/// </remarks>
public sealed class TensorBoardWriter : IDisposable
{
    private const string FileVersion = "brain.Event:2";
    private const int HParamsNone = 0;
    private const int HParamsStarted = 1;
    private const int HParamsEnded = 2;

    private readonly TensorBoardWriterOptions options;
    private readonly Func<string, Stream> openFile;
    private readonly EventFileWriter file;
    private readonly ConcurrentDictionary<string, byte> seenTags = new();
    private readonly Lock firstRecordLock = new();
    private readonly ConcurrentDictionary<string, TensorBoardWriter> scalarsWriters = new();
    private readonly Lock scalarsWritersLock = new();
    private readonly Dictionary<string, object> claims = new(StringComparer.Ordinal);
    private int disposed;
    private int hparamsState;

    /// <summary>
    /// Creates <paramref name="logDir"/> if needed and a new event file in it. A folder that already holds a run (see
    /// <see cref="HoldsRun"/>) is refused unless <see cref="TensorBoardWriterOptions.AppendToRun"/> is set.
    /// </summary>
    /// <param name="logDir">The run directory, e.g. <c>runs/fashion</c>; TensorBoard shows it as a run of its parent directory.</param>
    /// <param name="options">Flush interval, queue capacity, file suffix, clock and whether to continue a run; null for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="logDir"/> is empty or holds another run, or an option is invalid.</exception>
    /// <exception cref="IOException">The directory or file cannot be created.</exception>
    public TensorBoardWriter(string logDir, TensorBoardWriterOptions? options = null)
        : this(logDir, options ?? new TensorBoardWriterOptions(), OpenEventFile)
    {
    }

    /// <summary>Creates a writer whose file stream comes from <paramref name="openFile"/> (tests inject failing streams).</summary>
    internal TensorBoardWriter(string logDir, TensorBoardWriterOptions options, Func<string, Stream> openFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDir);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        this.openFile = openFile;
        LogDir = Path.GetFullPath(logDir);
        if (!options.AppendToRun && EventFilesIn(LogDir).FirstOrDefault() is { } other)
        {
            throw new ArgumentException(
                $"The folder {LogDir} already holds a run ({Path.GetFileName(other)}), whose curves TensorBoard would mix with this one's; write to a new folder, remove this one, or set {nameof(TensorBoardWriterOptions)}.{nameof(TensorBoardWriterOptions.AppendToRun)} to continue that run.",
                nameof(logDir));
        }
        Directory.CreateDirectory(LogDir);
        var now = options.TimeProvider.GetUtcNow();
        FilePath = Path.Combine(LogDir, EventFileName.Create(now, options.FileSuffix));
        var stream = openFile(FilePath);
        try
        {
            var first = Record(new Event { WallTime = UnixSeconds(now), FileVersion = FileVersion });
            file = new EventFileWriter(stream, FilePath, first, options.QueueCapacity, options.FlushInterval);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reserves <paramref name="tags"/> for <paramref name="owner"/> (a callback), so two callbacks never write the same
    /// tag into one run: TensorBoard would keep one point per step and mix the two series.
    /// </summary>
    /// <exception cref="ArgumentException">A tag is already reserved by another owner, or twice in <paramref name="tags"/>.</exception>
    internal void Claim(object owner, IReadOnlyList<string> tags)
    {
        lock (claims)
        {
            if (tags.GroupBy(t => t).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                throw new ArgumentException($"The tag '{twice.Key}' would be written twice by one {owner.GetType().Name}; give the explainers distinct names.", nameof(tags));
            }
            if (tags.FirstOrDefault(t => claims.TryGetValue(t, out var other) && !ReferenceEquals(other, owner)) is { } taken)
            {
                throw new ArgumentException($"The tag '{taken}' is already written to {LogDir} by another {claims[taken].GetType().Name}; give the explainer another name (Name = \"...\") or turn the other callback's copy off.", nameof(tags));
            }
            foreach (var tag in tags)
            {
                claims[tag] = owner;
            }
        }
    }

    /// <summary>Reserves <paramref name="tags"/> for <paramref name="owner"/> unless another owner has any of them: then false, and nothing is reserved.</summary>
    internal bool TryClaim(object owner, IReadOnlyList<string> tags)
    {
        lock (claims)
        {
            if (tags.Any(t => claims.TryGetValue(t, out var other) && !ReferenceEquals(other, owner)))
            {
                return false;
            }
            Claim(owner, tags);
            return true;
        }
    }

    /// <summary>
    /// Whether <paramref name="directory"/> holds a run: an event file (a name containing <c>tfevents</c>) directly in it,
    /// which is what makes TensorBoard read a folder as a run. A writer refuses such a folder unless told to append, and
    /// the example's <c>train</c> command applies the same rule.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    public static bool HoldsRun(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return EventFilesIn(Path.GetFullPath(directory)).Any();
    }

    /// <summary>The full path of the run directory.</summary>
    public string LogDir { get; }

    /// <summary>The full path of this writer's event file.</summary>
    public string FilePath { get; }

    /// <summary>Logs a scalar (a float <c>simple_value</c>, shown under Scalars). NaN and infinities are logged as they are.</summary>
    /// <param name="tag">The chart name, e.g. <c>loss/train</c>.</param>
    /// <param name="value">The value.</param>
    /// <param name="step">The x coordinate (batch or epoch); must increase per tag.</param>
    /// <param name="wallTime">The time of the event; null for now.</param>
    /// <param name="description">What the chart shows (markdown, shown by TensorBoard beside it); see the remarks of <see cref="TensorBoardWriter"/>.</param>
    /// <param name="displayName">The title TensorBoard shows in place of the tag, or null for the tag; see the remarks of <see cref="TensorBoardWriter"/>.</param>
    public void AddScalar(string tag, float value, long step, DateTimeOffset? wallTime = null, string? description = null, string? displayName = null) =>
        Add(SummaryValues.Scalar(RequireTag(tag), value), SummaryValues.ScalarMetadata(description, displayName), step, wallTime);

    /// <summary>
    /// Logs several scalars into one chart, as PyTorch's <c>add_scalars</c>: each key goes to its own run
    /// <c>&lt;LogDir&gt;/&lt;mainTag with '/' as '_'&gt;_&lt;key&gt;</c> under the tag <paramref name="mainTag"/>, so
    /// TensorBoard overlays them (e.g. mainTag <c>loss</c>, keys <c>train</c> and <c>validation</c>).
    /// </summary>
    /// <param name="mainTag">The chart name shared by every key.</param>
    /// <param name="values">The value of each key.</param>
    /// <param name="step">The x coordinate; must increase per tag.</param>
    /// <param name="wallTime">The time of the events; null for now.</param>
    /// <param name="description">What the chart shows, written into each key's run.</param>
    /// <param name="displayName">The title TensorBoard shows in place of the tag, or null for the tag; see the remarks of <see cref="TensorBoardWriter"/>.</param>
    /// <exception cref="ArgumentException">A tag or key is empty, or a key contains a character not allowed in file names.</exception>
    public void AddScalars(string mainTag, IReadOnlyDictionary<string, float> values, long step, DateTimeOffset? wallTime = null, string? description = null, string? displayName = null)
    {
        RequireTag(mainTag);
        ArgumentNullException.ThrowIfNull(values);
        ThrowIfDisposed();
        foreach (var (key, value) in values)
        {
            ScalarsWriter(mainTag, key).AddScalar(mainTag, value, step, wallTime, description, displayName);
        }
    }

    /// <summary>
    /// Logs one image (legacy <c>Summary.Image</c> holding PNG bytes, shown under Images). To also save the picture as a
    /// file, encode it once with <see cref="EncodedImage.Encode"/> and use the <see cref="EncodedImage"/> overload.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    public void AddImage(string tag, Image image, long step, DateTimeOffset? wallTime = null, string? description = null, string? displayName = null)
    {
        RequireTag(tag);
        ArgumentNullException.ThrowIfNull(image);
        ThrowIfDisposed();
        AddImage(tag, EncodedImage.Encode(image), step, wallTime, description, displayName);
    }

    /// <summary>Logs one already encoded image (legacy <c>Summary.Image</c>; its PNG bytes are written as they are, not copied first).</summary>
    /// <param name="tag">The image's name, e.g. <c>explain/gradcam</c>.</param>
    /// <param name="image">The PNG and its size.</param>
    /// <param name="step">The x coordinate of the slider; must increase per tag.</param>
    /// <param name="wallTime">The time of the event; null for now.</param>
    /// <param name="description">What the image shows (markdown); see the remarks of <see cref="TensorBoardWriter"/>.</param>
    /// <param name="displayName">The title TensorBoard shows in place of the tag, or null for the tag; see the remarks of <see cref="TensorBoardWriter"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    internal void AddImage(string tag, EncodedImage image, long step, DateTimeOffset? wallTime = null, string? description = null, string? displayName = null)
    {
        RequireTag(tag);
        ArgumentNullException.ThrowIfNull(image);
        Add(SummaryValues.Image(tag, image), SummaryValues.ImageMetadata(description, displayName), step, wallTime);
    }

    /// <summary>
    /// Logs several images of one step under one tag (a string tensor <c>[width, height, png...]</c> of the images
    /// plugin); TensorBoard shows them as samples of the step. All images must have the same size.
    /// </summary>
    /// <exception cref="ArgumentException">No images, a null image, or images of different sizes.</exception>
    public void AddImageSamples(string tag, IReadOnlyList<Image> images, long step, DateTimeOffset? wallTime = null, string? description = null, string? displayName = null)
    {
        RequireTag(tag);
        RequireSameSize(images, image => (image.Width, image.Height));
        ThrowIfDisposed();
        AddImageSamples(tag, images.Select(image => EncodedImage.Encode(image)).ToArray(), step, wallTime, description, displayName);
    }

    /// <summary>
    /// Logs several already encoded images of one step under one tag, as the <see cref="Image"/> overload does; their PNG
    /// bytes are written as they are, not copied first.
    /// </summary>
    /// <exception cref="ArgumentException">No images, a null image, or images of different sizes.</exception>
    internal void AddImageSamples(string tag, IReadOnlyList<EncodedImage> images, long step, DateTimeOffset? wallTime = null, string? description = null, string? displayName = null)
    {
        RequireTag(tag);
        RequireSameSize(images, image => (image.Width, image.Height));
        Add(SummaryValues.Images(tag, images), SummaryValues.ImagesMetadata(description, displayName), step, wallTime);
    }

    /// <summary>
    /// Logs a histogram of <paramref name="values"/> (legacy <c>HistogramProto</c>, shown under Histograms and
    /// Distributions): <paramref name="bins"/> equal-width buckets over [min, max], like <c>numpy.histogram</c>;
    /// constant values make one bucket.
    /// </summary>
    /// <exception cref="ArgumentException">No values, or a NaN or infinite value (its index is named).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is below 1.</exception>
    public void AddHistogram(string tag, ReadOnlySpan<float> values, long step, int bins = 30, DateTimeOffset? wallTime = null, string? description = null, string? displayName = null)
    {
        RequireTag(tag);
        ThrowIfDisposed();
        Add(SummaryValues.Histogram(tag, HistogramBuilder.Build(values, bins)), SummaryValues.HistogramMetadata(description, displayName), step, wallTime);
    }

    /// <summary>
    /// Logs a histogram of a tensor's finite values as the span overload does (same buckets), computed on the tensor's
    /// device in float64: only min, max, sum, sum of squares and the bucket counts come to the host (and the count of
    /// finite values when some are not), never the values. NaN and infinities are left out and counted, so a diverging
    /// run keeps logging; when no value is finite (or the tensor is empty) nothing is written. The sums may differ from
    /// the span overload's in the last bits, as the device adds in another order.
    /// </summary>
    /// <param name="tag">The histogram's name, e.g. <c>weights/conv1.weight</c>.</param>
    /// <param name="values">Any real tensor, on any device; it is not changed, and its gradient is not tracked.</param>
    /// <param name="step">The x coordinate; must increase per tag.</param>
    /// <param name="bins">The number of equal-width buckets.</param>
    /// <param name="wallTime">The time of the event; null for now.</param>
    /// <param name="description">What the histogram shows (markdown); see the remarks of <see cref="TensorBoardWriter"/>.</param>
    /// <param name="displayName">The title TensorBoard shows in place of the tag, or null for the tag; see the remarks of <see cref="TensorBoardWriter"/>.</param>
    /// <returns>How many values the histogram holds and how many were not finite; <see cref="HistogramOutcome.Written"/> says whether anything was logged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException">The tensor holds complex numbers.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is below 1.</exception>
    public HistogramOutcome AddHistogram(string tag, Tensor values, long step, int bins = 30, DateTimeOffset? wallTime = null, string? description = null, string? displayName = null)
    {
        RequireTag(tag);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        ThrowIfDisposed();
        var (histogram, notFinite) = TensorHistogram.Build(values, bins);
        if (histogram is null)
        {
            return new HistogramOutcome(0, notFinite);
        }

        Add(SummaryValues.Histogram(tag, histogram), SummaryValues.HistogramMetadata(description, displayName), step, wallTime);
        return new HistogramOutcome((long)histogram.Num, notFinite);
    }

    /// <summary>
    /// Logs markdown text under the tag <c>&lt;tag&gt;/text_summary</c> (text plugin, shown under Text), as PyTorch's
    /// <c>add_text</c> does but as a rank-0 string tensor, which TensorBoard shows as the markdown itself (a markdown
    /// table as one table), where <c>add_text</c>'s shape [1] gets an outer 1x1 table around it.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="markdown"/> is null.</exception>
    public void AddText(string tag, string markdown, long step, DateTimeOffset? wallTime = null, string? description = null, string? displayName = null)
    {
        var fullTag = RequireTag(tag) + SummaryValues.TextTagSuffix;
        ArgumentNullException.ThrowIfNull(markdown);
        Add(SummaryValues.Text(fullTag, markdown), SummaryValues.TextMetadata(description, displayName), step, wallTime);
    }

    /// <summary>
    /// Writes this run's hyperparameters for TensorBoard's HParams tab, which lists the runs of a log folder side by side
    /// with their hyperparameters and the last value of each metric: the experiment (each hyperparameter's name, type and
    /// description, and the metrics) under <c>_hparams_/experiment</c> and the run's values under
    /// <c>_hparams_/session_start_info</c>, both at step 0, encoded as the plugin's own <c>summary_v2</c> writes them.
    /// Call it once, at the start of training, with the same names in every run of an experiment; TensorBoard takes the
    /// experiment from one of the runs. End the run with <see cref="AddHParamsEnd"/>.
    /// </summary>
    /// <param name="hparams">The hyperparameters and their values (names distinct; numbers finite).</param>
    /// <param name="metrics">The scalars to show beside them (their tags, as logged with <see cref="AddScalar"/>).</param>
    /// <param name="startTime">When the run started; null for now.</param>
    /// <exception cref="ArgumentException">A hyperparameter or metric without a name or value, a non-finite number, or one given twice.</exception>
    /// <exception cref="InvalidOperationException">The hyperparameters of this writer's run are already written.</exception>
    public void AddHParams(IReadOnlyList<HParam> hparams, IReadOnlyList<HParamMetric> metrics, DateTimeOffset? startTime = null)
    {
        HParamsSummaries.Check(hparams, metrics);
        ThrowIfDisposed();
        if (Interlocked.CompareExchange(ref this.hparamsState, HParamsStarted, HParamsNone) != HParamsNone)
        {
            throw new InvalidOperationException($"The hyperparameters of {LogDir} are already written; TensorBoard reads them once per run.");
        }

        var start = startTime ?? this.options.TimeProvider.GetUtcNow();
        AddHParamsSummary(HParamsSummaries.ExperimentTag, HParamsSummaries.Experiment(hparams, metrics, UnixSeconds(start)), start);
        AddHParamsSummary(HParamsSummaries.SessionStartTag, HParamsSummaries.SessionStart(hparams, UnixSeconds(start)), start);
    }

    /// <summary>
    /// Ends the run that <see cref="AddHParams"/> started, for TensorBoard's HParams tab: its status and end time under
    /// <c>_hparams_/session_end_info</c> at step 0. A run that never writes it shows with the status Unknown and no end time.
    /// </summary>
    /// <param name="status">How the run ended.</param>
    /// <param name="endTime">When it ended; null for now.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not a defined value.</exception>
    /// <exception cref="InvalidOperationException"><see cref="AddHParams"/> was not called, or the end is already written.</exception>
    public void AddHParamsEnd(HParamsStatus status, DateTimeOffset? endTime = null)
    {
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Expected Unknown, Success, Failure or Running.");
        }
        ThrowIfDisposed();
        switch (Interlocked.CompareExchange(ref this.hparamsState, HParamsEnded, HParamsStarted))
        {
            case HParamsNone:
                throw new InvalidOperationException($"AddHParamsEnd ends the run that AddHParams starts, and {LogDir} has no hyperparameters yet; call AddHParams first.");
            case HParamsEnded:
                throw new InvalidOperationException($"The end of the run {LogDir} is already written.");
        }

        var end = endTime ?? this.options.TimeProvider.GetUtcNow();
        AddHParamsSummary(HParamsSummaries.SessionEndTag, HParamsSummaries.SessionEnd(status, UnixSeconds(end)), end);
    }

    /// <summary>Returns once everything logged before the call (also by <see cref="AddScalars"/>) is written to the file.</summary>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    /// <exception cref="IOException">A background write failed.</exception>
    public void Flush()
    {
        ThrowIfDisposed();
        this.file.Flush();
        foreach (var writer in scalarsWriters.Values)
        {
            writer.Flush();
        }
    }

    /// <summary>Writes everything queued and closes the file(s); later calls do nothing.</summary>
    /// <exception cref="IOException">A background write failed and had not been reported yet.</exception>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref this.disposed, 1) == 1)
        {
            return;
        }

        lock (scalarsWritersLock)
        {
            try
            {
                this.file.Dispose();
            }
            finally
            {
                foreach (var writer in scalarsWriters.Values)
                {
                    writer.Dispose();
                }
            }
        }
    }

    private static IEnumerable<string> EventFilesIn(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory).Where(file => EventFileName.IsEventFile(Path.GetFileName(file))) : [];

    private static Stream OpenEventFile(string path) =>
        new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);

    private static double UnixSeconds(DateTimeOffset time) =>
        (time - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

    private static byte[] Record(Event logged)
    {
        var record = new byte[TfRecord.HeaderLength + logged.CalculateSize() + TfRecord.FooterLength];
        logged.WriteTo(record.AsSpan(TfRecord.HeaderLength, record.Length - TfRecord.HeaderLength - TfRecord.FooterLength));
        TfRecord.Seal(record);
        return record;
    }

    private static string RequireTag(string tag, [CallerArgumentExpression(nameof(tag))] string? parameterName = null)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            throw new ArgumentException("A tag must be a non-empty name such as 'loss/train'.", parameterName);
        }

        return tag;
    }

    private static void RequireSameSize<T>(IReadOnlyList<T> images, Func<T, (int Width, int Height)> sizeOf)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("AddImageSamples needs at least one image.", nameof(images));
        }

        (int Width, int Height)? first = null;
        for (var i = 0; i < images.Count; i++)
        {
            var size = sizeOf(images[i] ?? throw new ArgumentException($"Image {i} is null.", nameof(images)));
            first ??= size;
            if (size != first)
            {
                throw new ArgumentException(
                    $"All images of one step must have the same size: image 0 is {first.Value.Width}x{first.Value.Height} but image {i} is {size.Width}x{size.Height}.",
                    nameof(images));
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="value"/> as one event; the first value of its tag in this file carries
    /// <paramref name="firstMetadata"/>. A tag counts as seen only once its first record is queued, and first records
    /// are queued under a lock, so another thread's record of the same tag cannot overtake it.
    /// </summary>
    private void Add(Summary.Types.Value value, SummaryMetadata? firstMetadata, long step, DateTimeOffset? wallTime)
    {
        ThrowIfDisposed();
        var time = UnixSeconds(wallTime ?? this.options.TimeProvider.GetUtcNow());
        if (!seenTags.ContainsKey(value.Tag))
        {
            lock (firstRecordLock)
            {
                if (!seenTags.ContainsKey(value.Tag))
                {
                    value.Metadata = firstMetadata;
                    Enqueue(value, step, time);
                    seenTags.TryAdd(value.Tag, 0);
                    return;
                }
            }
        }

        Enqueue(value, step, time);
    }

    private void AddHParamsSummary(string tag, Proto.HParams.HParamsPluginData data, DateTimeOffset time) =>
        Add(HParamsSummaries.NullTensorValue(tag), HParamsSummaries.Metadata(data), step: 0, time);

    private void Enqueue(Summary.Types.Value value, long step, double time) =>
        this.file.Enqueue(Record(new Event { WallTime = time, Step = step, Summary = new Summary { Value = { value } } }));

    private TensorBoardWriter ScalarsWriter(string mainTag, string key)
    {
        var runName = $"{mainTag.Replace('/', '_')}_{key}";
        if (string.IsNullOrWhiteSpace(key) || runName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"The scalar key '{key}' must be a non-empty name usable in a directory name.", "values");
        }

        if (scalarsWriters.TryGetValue(runName, out var writer))
        {
            return writer;
        }

        lock (scalarsWritersLock)
        {
            ThrowIfDisposed();
            return scalarsWriters.GetOrAdd(runName, name => new TensorBoardWriter(Path.Combine(LogDir, name), this.options, this.openFile));
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref this.disposed) == 1, this);
}
