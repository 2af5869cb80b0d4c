using TrainExplain.TensorBoard;
using TrainExplain.TensorBoard.Proto;
using TrainExplain.Testing;
using TrainExplain.Tests.Imaging;

namespace TrainExplain.Tests.TensorBoard;

/// <summary>
/// Descriptions go with a tag's first record in a file, in the metadata TensorBoard keeps: for legacy values the plugin
/// name, content and data class its fast loader would synthesize (data_compat.rs, <c>initial_metadata</c>), which it then
/// takes verbatim, while its Python loader keeps only the description and display name of a legacy value's metadata.
/// </summary>
public sealed class DescriptionTests : IDisposable
{
    private const string Description = "Mean cross-entropy of the **training** batches, in nats.";

    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    // The data class as its enum number (DataClass is internal): 1 scalar, 2 tensor, 3 blob sequence.
    public static TheoryData<string, string, int, string> Kinds => new()
    {
        { "scalar", "scalars", (int)DataClass.Scalar, "" },
        { "image", "images", (int)DataClass.BlobSequence, "1001" }, // ImagePluginData{converted_to_tensor: true}
        { "histogram", "histograms", (int)DataClass.Tensor, "" },
        { "samples", "images", (int)DataClass.BlobSequence, "" },
        { "text", "text", (int)DataClass.Tensor, "" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Description_IsOnTheFirstRecordOfTheTagOnlyWithThePluginTensorBoardExpects(string kind, string plugin, int dataClass, string contentHex)
    {
        Write(writer =>
        {
            for (var step = 0; step < 3; step++)
            {
                Log(writer, kind, "a", step, Description);
                Log(writer, kind, "b", step, Description + " (b)");
            }
        });

        foreach (var (tag, description) in new[] { ("a", Description), ("b", Description + " (b)") })
        {
            var values = RawValues(FullTag(kind, tag));
            Assert.Equal(3, values.Count);
            var metadata = values[0].Metadata;
            Assert.Equal(description, metadata.SummaryDescription);
            Assert.Equal((plugin, contentHex, dataClass), (metadata.PluginData.PluginName, Convert.ToHexStringLower(metadata.PluginData.Content.Span), (int)metadata.DataClass));
            Assert.All(values.Skip(1), value => Assert.Null(value.Metadata));
        }
    }

    [Theory]
    [InlineData("scalar", "scalars")]
    [InlineData("image", "images")]
    [InlineData("histogram", "histograms")]
    [InlineData("samples", "images")]
    [InlineData("text", "text")]
    public void Description_RoundTripsThroughTheReaderOnEveryValueOfTheTag(string kind, string plugin)
    {
        var events = Write(writer =>
        {
            Log(writer, kind, "described", 0, Description);
            Log(writer, kind, "described", 1, null);
            Log(writer, kind, "plain", 0, null);
        });

        var described = events.ValuesOf(FullTag(kind, "described"));
        Assert.Equal([0L, 1L], described.Select(x => x.Step));
        Assert.All(described, x => Assert.Equal((Description, plugin), (x.Value.Description, x.Value.PluginName)));
        var plain = Assert.Single(events.ValuesOf(FullTag(kind, "plain"))).Value;
        Assert.Null(plain.Description);
        Assert.Null(plain.DisplayName);
    }

    /// <summary>
    /// Issue 24: a display name goes with the tag's first record, in the metadata both loaders keep: alone (without a
    /// description) it still writes the plugin and data class, which TensorBoard's fast loader needs to keep metadata.
    /// </summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void DisplayName_GoesOnTheFirstRecordAndRoundTripsThroughTheReader(string kind, string plugin, int dataClass, string contentHex)
    {
        const string DisplayName = "Deletion AUC, GradCam";
        var events = Write(writer =>
        {
            Log(writer, kind, "named", 0, null, DisplayName);
            Log(writer, kind, "named", 1, null, "ignored, not the first record");
            Log(writer, kind, "both", 0, Description, DisplayName + " (b)");
        });

        var values = RawValues(FullTag(kind, "named"));
        Assert.Equal((DisplayName, "", plugin, contentHex, dataClass),
            (values[0].Metadata.DisplayName, values[0].Metadata.SummaryDescription, values[0].Metadata.PluginData.PluginName,
                Convert.ToHexStringLower(values[0].Metadata.PluginData.Content.Span), (int)values[0].Metadata.DataClass));
        Assert.Null(values[1].Metadata);
        Assert.All(events.ValuesOf(FullTag(kind, "named")), x => Assert.Equal((DisplayName, null), (x.Value.DisplayName, x.Value.Description)));
        var both = Assert.Single(events.ValuesOf(FullTag(kind, "both"))).Value;
        Assert.Equal((DisplayName + " (b)", Description), (both.DisplayName, both.Description));
    }

    [Theory]
    [InlineData("scalar")]
    [InlineData("image")]
    [InlineData("histogram")]
    public void LegacyKinds_WithoutADescription_CarryNoMetadata(string kind)
    {
        Write(writer =>
        {
            Log(writer, kind, "x", 0, null);
            Log(writer, kind, "x", 1, "");
        });

        var values = RawValues("x");
        Assert.Equal(2, values.Count);
        Assert.All(values, value => Assert.Null(value.Metadata));
    }

    [Theory]
    [InlineData("samples", "images")]
    [InlineData("text", "text")]
    public void PluginKinds_WithoutADescription_StillNameTheirPluginOnTheFirstRecord(string kind, string plugin)
    {
        Write(writer =>
        {
            Log(writer, kind, "x", 0, null);
            Log(writer, kind, "x", 1, null);
        });

        var values = RawValues(FullTag(kind, "x"));
        Assert.Equal((plugin, ""), (values[0].Metadata.PluginData.PluginName, values[0].Metadata.SummaryDescription));
        Assert.Null(values[1].Metadata);
    }

    [Fact]
    public void DescriptionGivenAfterTheTagsFirstRecord_IsIgnored()
    {
        Write(writer =>
        {
            writer.AddScalar("loss", 1f, 0);
            writer.AddScalar("loss", 0.5f, 1, description: Description);
        });

        var values = RawValues("loss");
        Assert.Equal(2, values.Count);
        Assert.All(values, value => Assert.Null(value.Metadata));
    }

    [Fact]
    public void Description_IsWrittenOncePerFile_SoEachNewWriterWritesItAgain()
    {
        Write(writer => writer.AddScalar("loss", 1f, 0, description: Description));
        Write(writer => writer.AddScalar("loss", 0.5f, 1, description: Description));
        Assert.Equal([Description, Description], RawValues("loss").Select(value => value.Metadata.SummaryDescription));
    }

    [Fact]
    public void AddScalars_WritesTheDescriptionIntoEachKeysRun()
    {
        using (var writer = new TensorBoardWriter(directory.Path))
        {
            writer.AddScalars("loss", new Dictionary<string, float> { ["train"] = 1f, ["validation"] = 2f }, 0, description: Description, displayName: "Loss");
            writer.AddScalars("loss", new Dictionary<string, float> { ["train"] = 0.5f, ["validation"] = 1.5f }, 1, description: Description);
        }

        foreach (var key in new[] { "train", "validation" })
        {
            var values = EventFileReader.ReadRun(Path.Combine(directory.Path, $"loss_{key}")).ValuesOf("loss");
            Assert.Equal([Description, Description], values.Select(x => x.Value.Description));
            Assert.Equal(["Loss", "Loss"], values.Select(x => x.Value.DisplayName));
            var raw = RawValues("loss", Path.Combine(directory.Path, $"loss_{key}"));
            Assert.Equal([true, false], raw.Select(value => value.Metadata is not null));
        }
    }

    [Fact]
    public void FirstRecordOfATag_KeepsItsMetadataWhenSeveralThreadsLogTheTag()
    {
        const int Threads = 4;
        const int PerThread = 2_000;
        using (var writer = new TensorBoardWriter(directory.Path, new TensorBoardWriterOptions { QueueCapacity = 16 }))
        {
            for (var round = 0; round < 20; round++)
            {
                var tag = $"shared{round}";
                Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, thread =>
                {
                    for (var i = 0; i < PerThread / 20; i++)
                    {
                        writer.AddScalar(tag, thread, (thread * PerThread) + i, description: Description);
                    }
                });
            }
        }

        for (var round = 0; round < 20; round++)
        {
            var values = RawValues($"shared{round}");
            Assert.Equal(Threads * PerThread / 20, values.Count);
            Assert.Equal(Description, values[0].Metadata?.SummaryDescription);
            Assert.Single(values, value => value.Metadata is not null);
        }
    }

    private static void Log(TensorBoardWriter writer, string kind, string tag, long step, string? description, string? displayName = null)
    {
        switch (kind)
        {
            case "scalar":
                writer.AddScalar(tag, step, step, description: description, displayName: displayName);
                break;
            case "image":
                writer.AddImage(tag, PngTests.SmoothNoise(3, 2, 3), step, description: description, displayName: displayName);
                break;
            case "histogram":
                writer.AddHistogram(tag, [1f, 2f, (float)step], step, description: description, displayName: displayName);
                break;
            case "samples":
                writer.AddImageSamples(tag, [PngTests.SmoothNoise(3, 2, 1), PngTests.SmoothNoise(3, 2, 1)], step, description: description, displayName: displayName);
                break;
            default:
                writer.AddText(tag, $"step {step}", step, description: description, displayName: displayName);
                break;
        }
    }

    private static string FullTag(string kind, string tag) => kind == "text" ? tag + "/text_summary" : tag;

    /// <summary>Logs with a new writer of the test's run (a second call continues the run in a second file).</summary>
    private List<LoggedEvent> Write(Action<TensorBoardWriter> log)
    {
        using (var writer = new TensorBoardWriter(directory.Path, new TensorBoardWriterOptions { AppendToRun = true }))
        {
            log(writer);
        }

        return EventFileReader.ReadRun(directory.Path).ToList();
    }

    private List<Summary.Types.Value> RawValues(string tag, string? run = null) =>
        EventFileReader.EventFiles(run ?? directory.Path)
            .SelectMany(TfRecordReader.Read)
            .Select(record => Event.Parser.ParseFrom(record.Data))
            .Where(logged => logged.Summary is not null)
            .SelectMany(logged => logged.Summary.Value)
            .Where(value => value.Tag == tag)
            .ToList();
}
