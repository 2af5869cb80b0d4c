using TrainExplain.TensorBoard.Proto;
using TrainExplain.TensorBoard.Proto.HParams;

namespace TrainExplain.Testing;

/// <summary>
/// The HParams plugin's summaries of one run, read back with the project's event reader and decoded as the plugin
/// decodes them (<c>metadata.parse_*_plugin_data</c>): the content of the tag's metadata parsed as <c>HParamsPluginData</c>,
/// version 0, with the expected case of its <c>data</c> oneof. Shared as source by the test projects.
/// </summary>
/// <param name="Experiment">The experiment under <c>_hparams_/experiment</c>.</param>
/// <param name="Start">The session start under <c>_hparams_/session_start_info</c>.</param>
/// <param name="End">The session end under <c>_hparams_/session_end_info</c>, or null when the run has none.</param>
/// <param name="Values">Each hparams tag's one summary value, as stored.</param>
internal sealed record LoggedHParams(Experiment Experiment, SessionStartInfo Start, SessionEndInfo? End, IReadOnlyDictionary<string, Summary.Types.Value> Values)
{
    /// <summary>Reads <paramref name="runDirectory"/>'s hparams summaries, asserting what the plugin relies on.</summary>
    public static LoggedHParams Read(string runDirectory)
    {
        // The reader sees each tag once, at step 0, under the plugin's name.
        var logged = EventFileReader.ReadRun(runDirectory).SelectMany(e => e.Values.Select(v => (e.Step, Value: v)))
            .Where(x => x.Value.Tag.StartsWith("_hparams_/", StringComparison.Ordinal)).ToList();
        Assert.All(logged, x => Assert.Equal((0L, "hparams"), (x.Step, x.Value.PluginName)));
        Assert.Equal(logged.Count, logged.Select(x => x.Value.Tag).Distinct().Count());

        var values = EventFileReader.EventFiles(runDirectory)
            .SelectMany(TfRecordReader.Read)
            .Select(record => Event.Parser.ParseFrom(record.Data))
            .Where(e => e.Summary is not null)
            .SelectMany(e => e.Summary.Value)
            .Where(v => v.Tag.StartsWith("_hparams_/", StringComparison.Ordinal))
            .ToDictionary(v => v.Tag);
        return new LoggedHParams(
            Content(values, "_hparams_/experiment", HParamsPluginData.DataOneofCase.Experiment).Experiment,
            Content(values, "_hparams_/session_start_info", HParamsPluginData.DataOneofCase.SessionStartInfo).SessionStartInfo,
            values.ContainsKey("_hparams_/session_end_info") ? Content(values, "_hparams_/session_end_info", HParamsPluginData.DataOneofCase.SessionEndInfo).SessionEndInfo : null,
            values);
    }

    /// <summary>The hyperparameters' values by name.</summary>
    public IReadOnlyDictionary<string, Google.Protobuf.WellKnownTypes.Value> HParams => Start.Hparams;

    private static HParamsPluginData Content(Dictionary<string, Summary.Types.Value> values, string tag, HParamsPluginData.DataOneofCase expected)
    {
        Assert.True(values.TryGetValue(tag, out var value), $"the run has no {tag}");
        Assert.Equal("hparams", value.Metadata.PluginData.PluginName);
        var data = HParamsPluginData.Parser.ParseFrom(value.Metadata.PluginData.Content);
        Assert.Equal((0, expected), (data.Version, data.DataCase));
        return data;
    }
}
