using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using TrainExplain.Imaging;
using TrainExplain.TensorBoard.Proto;

namespace TrainExplain.TensorBoard;

/// <summary>
/// Writes TensorBoard event files, in the style of PyTorch's <c>torch.utils.tensorboard.SummaryWriter</c>.
/// Each writer creates a new file <c>events.out.tfevents.&lt;time&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;counter&gt;&lt;suffix&gt;</c> in
/// <see cref="LogDir"/>, whose first record (<c>file_version "brain.Event:2"</c>) is on disk when the constructor returns.
/// </summary>
/// <remarks>
/// <para><c>Add*</c> methods encode the record on the calling thread and queue it; a background thread appends whole
/// records to the file at least every <see cref="SummaryWriterOptions.FlushInterval"/>, so they never wait on the disk,
/// only on a full queue (<see cref="SummaryWriterOptions.QueueCapacity"/>). All members are safe to call from several threads.</para>
/// <para>Steps must increase strictly per tag: TensorBoard drops the points at or after a step that goes back.</para>
/// <para>When the background write fails (disk full, say), the next <c>Add*</c>, <see cref="Flush"/> or
/// <see cref="Dispose"/> throws an <see cref="IOException"/> wrapping the cause. Records still queued when the process
/// ends without <see cref="Dispose"/> or <see cref="Flush"/> are lost; everything flushed survives a crash.</para>
/// </remarks>
public sealed class SummaryWriter : IDisposable
{
    private const string FileVersion = "brain.Event:2";

    private readonly SummaryWriterOptions _options;
    private readonly Func<string, Stream> _openFile;
    private readonly EventFileWriter _file;
    private readonly ConcurrentDictionary<string, byte> _describedTags = new();
    private readonly ConcurrentDictionary<string, SummaryWriter> _scalarsWriters = new();
    private readonly Lock _scalarsWritersLock = new();
    private int _disposed;

    /// <summary>Creates <paramref name="logDir"/> if needed and a new event file in it.</summary>
    /// <param name="logDir">The run directory, e.g. <c>runs/fashion</c>; TensorBoard shows it as a run of its parent directory.</param>
    /// <param name="options">Flush interval, queue capacity, file suffix and clock; null for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="logDir"/> is empty, or an option is invalid.</exception>
    /// <exception cref="IOException">The directory or file cannot be created.</exception>
    public SummaryWriter(string logDir, SummaryWriterOptions? options = null)
        : this(logDir, options ?? new SummaryWriterOptions(), OpenEventFile)
    {
    }

    /// <summary>Creates a writer whose file stream comes from <paramref name="openFile"/> (tests inject failing streams).</summary>
    internal SummaryWriter(string logDir, SummaryWriterOptions options, Func<string, Stream> openFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDir);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _openFile = openFile;
        LogDir = Path.GetFullPath(logDir);
        Directory.CreateDirectory(LogDir);
        var now = options.TimeProvider.GetUtcNow();
        FilePath = Path.Combine(LogDir, EventFileName.Create(now, options.FileSuffix));
        var stream = openFile(FilePath);
        try
        {
            var first = Record(new Event { WallTime = UnixSeconds(now), FileVersion = FileVersion });
            _file = new EventFileWriter(stream, FilePath, first, options.QueueCapacity, options.FlushInterval);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
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
    public void AddScalar(string tag, float value, long step, DateTimeOffset? wallTime = null) =>
        Add(SummaryValues.Scalar(RequireTag(tag), value), step, wallTime);

    /// <summary>
    /// Logs several scalars into one chart, as PyTorch's <c>add_scalars</c>: each key goes to its own run
    /// <c>&lt;LogDir&gt;/&lt;mainTag with '/' as '_'&gt;_&lt;key&gt;</c> under the tag <paramref name="mainTag"/>, so
    /// TensorBoard overlays them (e.g. mainTag <c>loss</c>, keys <c>train</c> and <c>validation</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A tag or key is empty, or a key contains a character not allowed in file names.</exception>
    public void AddScalars(string mainTag, IReadOnlyDictionary<string, float> values, long step, DateTimeOffset? wallTime = null)
    {
        RequireTag(mainTag);
        ArgumentNullException.ThrowIfNull(values);
        ThrowIfDisposed();
        foreach (var (key, value) in values)
        {
            ScalarsWriter(mainTag, key).AddScalar(mainTag, value, step, wallTime);
        }
    }

    /// <summary>Logs one image (legacy <c>Summary.Image</c> holding PNG bytes, shown under Images).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    public void AddImage(string tag, Image image, long step, DateTimeOffset? wallTime = null)
    {
        RequireTag(tag);
        ArgumentNullException.ThrowIfNull(image);
        ThrowIfDisposed();
        Add(SummaryValues.Image(tag, image), step, wallTime);
    }

    /// <summary>
    /// Logs several images of one step under one tag (a string tensor <c>[width, height, png...]</c> of the images
    /// plugin); TensorBoard shows them as samples of the step. All images must have the same size.
    /// </summary>
    /// <exception cref="ArgumentException">No images, a null image, or images of different sizes.</exception>
    public void AddImages(string tag, IReadOnlyList<Image> images, long step, DateTimeOffset? wallTime = null)
    {
        RequireTag(tag);
        RequireSameSize(images);
        ThrowIfDisposed();
        Add(SummaryValues.Images(tag, images, FirstUse(tag)), step, wallTime);
    }

    /// <summary>
    /// Logs a histogram of <paramref name="values"/> (legacy <c>HistogramProto</c>, shown under Histograms and
    /// Distributions): <paramref name="bins"/> equal-width buckets over [min, max], like <c>numpy.histogram</c>;
    /// constant values make one bucket.
    /// </summary>
    /// <exception cref="ArgumentException">No values, or a NaN or infinite value (its index is named).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is below 1.</exception>
    public void AddHistogram(string tag, ReadOnlySpan<float> values, long step, int bins = 30, DateTimeOffset? wallTime = null)
    {
        RequireTag(tag);
        ThrowIfDisposed();
        Add(SummaryValues.Histogram(tag, values, bins), step, wallTime);
    }

    /// <summary>Logs markdown text under the tag <c>&lt;tag&gt;/text_summary</c> (text plugin, shown under Text), as PyTorch's <c>add_text</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="markdown"/> is null.</exception>
    public void AddText(string tag, string markdown, long step, DateTimeOffset? wallTime = null)
    {
        var fullTag = RequireTag(tag) + SummaryValues.TextTagSuffix;
        ArgumentNullException.ThrowIfNull(markdown);
        ThrowIfDisposed();
        Add(SummaryValues.Text(fullTag, markdown, FirstUse(fullTag)), step, wallTime);
    }

    /// <summary>Returns once everything logged before the call (also by <see cref="AddScalars"/>) is written to the file.</summary>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    /// <exception cref="IOException">A background write failed.</exception>
    public void Flush()
    {
        ThrowIfDisposed();
        _file.Flush();
        foreach (var writer in _scalarsWriters.Values)
        {
            writer.Flush();
        }
    }

    /// <summary>Writes everything queued and closes the file(s); later calls do nothing.</summary>
    /// <exception cref="IOException">A background write failed and had not been reported yet.</exception>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        lock (_scalarsWritersLock)
        {
            try
            {
                _file.Dispose();
            }
            finally
            {
                foreach (var writer in _scalarsWriters.Values)
                {
                    writer.Dispose();
                }
            }
        }
    }

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

    private static void RequireSameSize(IReadOnlyList<Image> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("AddImages needs at least one image.", nameof(images));
        }

        for (var i = 0; i < images.Count; i++)
        {
            var image = images[i] ?? throw new ArgumentException($"Image {i} is null.", nameof(images));
            if (image.Width != images[0].Width || image.Height != images[0].Height)
            {
                throw new ArgumentException(
                    $"All images of one step must have the same size: image 0 is {images[0].Width}x{images[0].Height} but image {i} is {image.Width}x{image.Height}.",
                    nameof(images));
            }
        }
    }

    private void Add(Summary.Types.Value value, long step, DateTimeOffset? wallTime)
    {
        ThrowIfDisposed();
        var time = wallTime ?? _options.TimeProvider.GetUtcNow();
        _file.Enqueue(Record(new Event { WallTime = UnixSeconds(time), Step = step, Summary = new Summary { Value = { value } } }));
    }

    /// <summary>Whether this is the tag's first value in the file, which carries the plugin metadata.</summary>
    private bool FirstUse(string tag) => _describedTags.TryAdd(tag, 0);

    private SummaryWriter ScalarsWriter(string mainTag, string key)
    {
        var runName = $"{mainTag.Replace('/', '_')}_{key}";
        if (string.IsNullOrWhiteSpace(key) || runName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"The scalar key '{key}' must be a non-empty name usable in a directory name.", "values");
        }

        if (_scalarsWriters.TryGetValue(runName, out var writer))
        {
            return writer;
        }

        lock (_scalarsWritersLock)
        {
            ThrowIfDisposed();
            return _scalarsWriters.GetOrAdd(runName, name => new SummaryWriter(Path.Combine(LogDir, name), _options, _openFile));
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
}
