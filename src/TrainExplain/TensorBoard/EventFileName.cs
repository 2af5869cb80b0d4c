using System.Globalization;
using System.Net;

namespace TrainExplain.TensorBoard;

/// <summary>
/// Event file names as TensorFlow and PyTorch write them:
/// <c>events.out.tfevents.&lt;unix seconds, 10 digits&gt;.&lt;hostname&gt;.&lt;pid&gt;.&lt;counter&gt;&lt;suffix&gt;</c>.
/// The counter is process-wide, so two writers opened in the same second never share a file; it is zero-padded to six
/// digits so that name order (the order TensorBoard reads a run's files in) stays creation order past the ninth writer.
/// </summary>
internal static class EventFileName
{
    private static int counter;

    /// <summary>What makes a file an event file for TensorBoard, which reads a folder directly holding one as a run.</summary>
    public const string Marker = "tfevents";

    /// <summary>Whether TensorBoard reads <paramref name="fileName"/> as an event file.</summary>
    public static bool IsEventFile(string fileName) => fileName.Contains(Marker, StringComparison.Ordinal);

    /// <summary>A new file name for a writer opened at <paramref name="now"/>.</summary>
    public static string Create(DateTimeOffset now, string suffix)
    {
        var seconds = now.ToUnixTimeSeconds().ToString("D10", CultureInfo.InvariantCulture);
        var number = Interlocked.Increment(ref counter).ToString("D6", CultureInfo.InvariantCulture);
        return $"events.out.tfevents.{seconds}.{Dns.GetHostName()}.{Environment.ProcessId}.{number}{suffix}";
    }
}
