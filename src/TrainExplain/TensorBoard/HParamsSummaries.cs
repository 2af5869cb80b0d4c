using System.Globalization;
using Google.Protobuf;
using TrainExplain.TensorBoard.Proto;
using TrainExplain.TensorBoard.Proto.HParams;
using ProtoValue = Google.Protobuf.WellKnownTypes.Value;

namespace TrainExplain.TensorBoard;

/// <summary>
/// The HParams plugin's three summaries as its own writer (<c>tensorboard/plugins/hparams/summary_v2.py</c> and
/// <c>metadata.py</c>) builds them: each a value whose tag is the plugin's, whose tensor is the plugin's null tensor (an
/// empty float vector), and whose metadata names the plugin <c>hparams</c> with an <c>HParamsPluginData</c> (version 0)
/// serialized as its content; no data class, which both of TensorBoard's loaders add for this plugin.
/// </summary>
internal static class HParamsSummaries
{
    /// <summary>The plugin's name.</summary>
    public const string PluginName = "hparams";

    /// <summary>The tag of the experiment: the hyperparameters' and metrics' infos.</summary>
    public const string ExperimentTag = "_hparams_/experiment";

    /// <summary>The tag of a session's start: the hyperparameters' values.</summary>
    public const string SessionStartTag = "_hparams_/session_start_info";

    /// <summary>The tag of a session's end: its status.</summary>
    public const string SessionEndTag = "_hparams_/session_end_info";

    /// <summary>The value of a summary of <paramref name="tag"/>: <c>metadata.NULL_TENSOR</c>, a DT_FLOAT tensor of shape [0].</summary>
    public static Summary.Types.Value NullTensorValue(string tag) => new()
    {
        Tag = tag,
        Tensor = new TensorProto
        {
            Dtype = Proto.DataType.DtFloat,
            TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 0 } } },
        },
    };

    /// <summary>The metadata carrying <paramref name="data"/> (<c>metadata.create_summary_metadata</c>).</summary>
    public static SummaryMetadata Metadata(HParamsPluginData data) => new()
    {
        PluginData = new SummaryMetadata.Types.PluginData { PluginName = PluginName, Content = data.ToByteString() },
    };

    /// <summary>The experiment: each hyperparameter's name, type and description, and the metrics (<c>hparams_config_pb</c>).</summary>
    public static HParamsPluginData Experiment(IReadOnlyList<HParam> hparams, IReadOnlyList<HParamMetric> metrics, double timeCreatedSeconds) => new()
    {
        Experiment = new Experiment
        {
            TimeCreatedSecs = timeCreatedSeconds,
            HparamInfos =
            {
                hparams.Select(hparam => new HParamInfo
                {
                    Name = hparam.Name,
                    DisplayName = hparam.DisplayName ?? "",
                    Description = hparam.Description ?? "",
                    Type = (Proto.HParams.DataType)hparam.Value.Type,
                }),
            },
            MetricInfos =
            {
                metrics.Select(metric => new MetricInfo
                {
                    Name = new MetricName { Group = metric.Group, Tag = metric.Tag },
                    DisplayName = metric.DisplayName ?? "",
                    Description = metric.Description ?? "",
                    DatasetType = (DatasetType)metric.Dataset,
                }),
            },
        },
    };

    /// <summary>
    /// The session start: each hyperparameter's value, in ordinal name order as <c>hparams_pb</c> sorts them, and an
    /// empty group name (the run is a group of its own).
    /// </summary>
    public static HParamsPluginData SessionStart(IReadOnlyList<HParam> hparams, double startSeconds)
    {
        var start = new SessionStartInfo { StartTimeSecs = startSeconds };
        foreach (var hparam in hparams.OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            start.Hparams.Add(hparam.Name, hparam.Value.Type switch
            {
                HParamType.String => ProtoValue.ForString(hparam.Value.String!),
                HParamType.Bool => ProtoValue.ForBool(hparam.Value.Bool),
                _ => ProtoValue.ForNumber(hparam.Value.Number),
            });
        }
        return new HParamsPluginData { SessionStartInfo = start };
    }

    /// <summary>The session end (<c>session_end_pb</c>).</summary>
    public static HParamsPluginData SessionEnd(HParamsStatus status, double endSeconds) => new()
    {
        SessionEndInfo = new SessionEndInfo { Status = (Status)status, EndTimeSecs = endSeconds },
    };

    /// <summary>Rejects what the plugin cannot show, naming the hyperparameter or metric.</summary>
    public static void Check(IReadOnlyList<HParam> hparams, IReadOnlyList<HParamMetric> metrics)
    {
        ArgumentNullException.ThrowIfNull(hparams);
        ArgumentNullException.ThrowIfNull(metrics);
        for (var i = 0; i < hparams.Count; i++)
        {
            var hparam = hparams[i] ?? throw new ArgumentException($"Hyperparameter {i} is null.", nameof(hparams));
            if (string.IsNullOrWhiteSpace(hparam.Name))
            {
                throw new ArgumentException($"Hyperparameter {i} has no name; give a name such as 'learning_rate'.", nameof(hparams));
            }
            var value = hparam.Value;
            if (!Enum.IsDefined(value.Type) || (value.Type == HParamType.String && value.String is null))
            {
                throw new ArgumentException($"Hyperparameter '{hparam.Name}' has no value; give a string, a bool or a number.", nameof(hparams));
            }
            if (value.Type == HParamType.Number && !double.IsFinite(value.Number))
            {
                throw new ArgumentException($"Hyperparameter '{hparam.Name}' is {value.Number.ToString(CultureInfo.InvariantCulture)}; TensorBoard's HParams tab takes finite numbers only.", nameof(hparams));
            }
        }
        if (hparams.GroupBy(h => h.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"The hyperparameter '{twice.Key}' is given twice.", nameof(hparams));
        }
        for (var i = 0; i < metrics.Count; i++)
        {
            var metric = metrics[i] ?? throw new ArgumentException($"Metric {i} is null.", nameof(metrics));
            if (string.IsNullOrWhiteSpace(metric.Tag) || metric.Group is null)
            {
                throw new ArgumentException($"Metric {i} has no tag; give the tag of a scalar the run logs, such as 'loss/val'.", nameof(metrics));
            }
            if (!Enum.IsDefined(metric.Dataset))
            {
                throw new ArgumentException($"Metric '{metric.Tag}' has the dataset {(int)metric.Dataset}; expected Unknown, Training or Validation.", nameof(metrics));
            }
        }
        if (metrics.GroupBy(m => (m.Group, m.Tag)).FirstOrDefault(g => g.Count() > 1) is { } same)
        {
            throw new ArgumentException($"The metric '{same.Key.Tag}'{(same.Key.Group.Length > 0 ? $" of group '{same.Key.Group}'" : "")} is given twice.", nameof(metrics));
        }
    }
}
