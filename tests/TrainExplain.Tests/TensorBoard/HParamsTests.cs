using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using TrainExplain.TensorBoard;
using TrainExplain.TensorBoard.Proto;
using TrainExplain.TensorBoard.Proto.HParams;
using TrainExplain.Testing;
using HParamsDataType = TrainExplain.TensorBoard.Proto.HParams.DataType;

namespace TrainExplain.Tests.TensorBoard;

/// <summary>
/// Issue 24, item 1: <see cref="TensorBoardWriter.AddHParams"/> and <see cref="TensorBoardWriter.AddHParamsEnd"/> write
/// the HParams plugin's summaries as its summary_v2 does. The expected contents are the bytes that protoc 2.85 encodes
/// from text with TensorBoard's own api.proto and plugin_data.proto (tensorflow/tensorboard at 70b76c9):
/// <c>protoc -I. -I&lt;Grpc.Tools&gt;/build/native/include --encode=tensorboard.hparams.HParamsPluginData
/// tensorboard/plugins/hparams/plugin_data.proto &lt; x.txtpb</c>, with the text given beside each constant.
/// </summary>
public sealed class HParamsTests : IDisposable
{
    /// <summary>
    /// <c>experiment { time_created_secs: 1700000000.25
    /// hparam_infos { name: "learning_rate" display_name: "learning rate" description: "Adam's *step size*." type: DATA_TYPE_FLOAT64 }
    /// hparam_infos { name: "arch" type: DATA_TYPE_STRING } hparam_infos { name: "augment" type: DATA_TYPE_BOOL }
    /// hparam_infos { name: "batch_size" type: DATA_TYPE_FLOAT64 }
    /// metric_infos { name { tag: "loss/val" } display_name: "validation loss" description: "Mean cross-entropy." dataset_type: DATASET_VALIDATION }
    /// metric_infos { name { group: "loss_train" tag: "loss" } dataset_type: DATASET_TRAINING }
    /// metric_infos { name { tag: "faithfulness/GradCam/deletion_auc" } } }</c>
    /// </summary>
    private const string ExperimentContent =
        "12dc011900001040fc54d94122350a0d6c6561726e696e675f72617465120d6c6561726e696e6720726174651a134164616d2773202a737465702073697a652a2e20" +
        "0322080a04617263682001220b0a076175676d656e742002220e0a0a62617463685f73697a6520032a340a0a12086c6f73732f76616c1a0f76616c69646174696f6e20" +
        "6c6f737322134d65616e2063726f73732d656e74726f70792e28022a160a120a0a6c6f73735f747261696e12046c6f737328012a250a231221666169746866756c6e65" +
        "73732f4772616443616d2f64656c6574696f6e5f617563";

    /// <summary>
    /// <c>session_start_info { hparams { key: "arch" value { string_value: "simple" } } hparams { key: "augment" value { bool_value: true } }
    /// hparams { key: "batch_size" value { number_value: 64 } } hparams { key: "learning_rate" value { number_value: 0.001 } }
    /// start_time_secs: 1700000000.25 }</c>: the values in name order, as hparams_pb writes them.
    /// </summary>
    private const string SessionStartContent =
        "1a5f0a100a046172636812081a0673696d706c650a0d0a076175676d656e74120220010a170a0a62617463685f73697a6512091100000000000050400a1a0a0d6c6561" +
        "726e696e675f72617465120911fca9f1d24d62503f2900001040fc54d941";

    /// <summary><c>session_end_info { status: STATUS_FAILURE end_time_secs: 1700000100.5 }</c>.</summary>
    private const string SessionEndContent = "220b08021100002059fc54d941";

    /// <summary><c>metadata.NULL_TENSOR</c>: <c>dtype: DT_FLOAT tensor_shape { dim { size: 0 } }</c> (tensorboard/compat/proto/tensor.proto), 6 bytes.</summary>
    private const string NullTensor = "080112021200";

    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250);
    private static readonly DateTimeOffset End = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_100_500);

    private static readonly HParam[] SomeHParams =
    [
        new("learning_rate", 0.001) { DisplayName = "learning rate", Description = "Adam's *step size*." },
        new("arch", "simple"),
        new("augment", true),
        new("batch_size", 64),
    ];

    private static readonly HParamMetric[] SomeMetrics =
    [
        new("loss/val") { DisplayName = "validation loss", Description = "Mean cross-entropy.", Dataset = HParamDataset.Validation },
        new("loss") { Group = "loss_train", Dataset = HParamDataset.Training },
        new("faithfulness/GradCam/deletion_auc"),
    ];

    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void TheSummariesHoldThePluginsBytesUnderItsTagsAtStepZero()
    {
        using (var writer = new TensorBoardWriter(directory.Path))
        {
            writer.AddScalar("loss/val", 0.5f, 1);
            writer.AddHParams(SomeHParams, SomeMetrics, Start);
            writer.AddHParamsEnd(HParamsStatus.Failure, End);
        }

        var hparams = LoggedHParams.Read(directory.Path);
        Assert.Equal(["_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info"], hparams.Values.Keys);
        AssertSummary(ExperimentContent, hparams.Values["_hparams_/experiment"]);
        AssertSummary(SessionStartContent, hparams.Values["_hparams_/session_start_info"]);
        AssertSummary(SessionEndContent, hparams.Values["_hparams_/session_end_info"]);
    }

    [Fact]
    public void ThePluginReadsTheRunsSettingsMetricsAndStatus()
    {
        using (var writer = new TensorBoardWriter(directory.Path))
        {
            writer.AddHParams(SomeHParams, SomeMetrics, Start);
            writer.AddHParamsEnd(HParamsStatus.Success, End);
        }

        var hparams = LoggedHParams.Read(directory.Path);
        Assert.Equal(1_700_000_000.25, hparams.Experiment.TimeCreatedSecs);
        Assert.Equal(["learning_rate", "arch", "augment", "batch_size"], hparams.Experiment.HparamInfos.Select(h => h.Name));
        Assert.Equal([HParamsDataType.Float64, HParamsDataType.String, HParamsDataType.Bool, HParamsDataType.Float64],
            hparams.Experiment.HparamInfos.Select(h => h.Type));
        Assert.Equal(("learning rate", "Adam's *step size*."), (hparams.Experiment.HparamInfos[0].DisplayName, hparams.Experiment.HparamInfos[0].Description));
        Assert.Equal([("", "loss/val", DatasetType.DatasetValidation), ("loss_train", "loss", DatasetType.DatasetTraining), ("", "faithfulness/GradCam/deletion_auc", DatasetType.DatasetUnknown)],
            hparams.Experiment.MetricInfos.Select(m => (m.Name.Group, m.Name.Tag, m.DatasetType)));
        Assert.Equal(0.001, hparams.HParams["learning_rate"].NumberValue);
        Assert.Equal(64.0, hparams.HParams["batch_size"].NumberValue);
        Assert.Equal("simple", hparams.HParams["arch"].StringValue);
        Assert.True(hparams.HParams["augment"].BoolValue);
        Assert.Equal(("", 1_700_000_000.25), (hparams.Start.GroupName, hparams.Start.StartTimeSecs));
        Assert.Equal((Status.Success, 1_700_000_100.5), (hparams.End!.Status, hparams.End.EndTimeSecs));
    }

    [Theory]
    [InlineData(HParamsStatus.Unknown, "STATUS_UNKNOWN")]
    [InlineData(HParamsStatus.Success, "STATUS_SUCCESS")]
    [InlineData(HParamsStatus.Failure, "STATUS_FAILURE")]
    [InlineData(HParamsStatus.Running, "STATUS_RUNNING")]
    public void EachStatusIsThePluginsOwn(HParamsStatus status, string expected)
    {
        using (var writer = new TensorBoardWriter(directory.Path))
        {
            writer.AddHParams([new HParam("seed", 0)], []);
            writer.AddHParamsEnd(status);
        }

        // The stored number is the one api.proto gives that name.
        var stored = LoggedHParams.Read(directory.Path).End!.Status;
        Assert.Equal(expected, typeof(Status).GetField(stored.ToString())!.GetCustomAttribute<OriginalNameAttribute>()!.Name);
    }

    [Fact]
    public void ARunWithoutAnEndHasNone()
    {
        var clock = new FixedTimeProvider(Start);
        using (var writer = new TensorBoardWriter(directory.Path, new TensorBoardWriterOptions { TimeProvider = clock }))
        {
            writer.AddHParams([new HParam("seed", 0)], []);
        }

        var hparams = LoggedHParams.Read(directory.Path);
        Assert.Null(hparams.End);
        Assert.Equal(1_700_000_000.25, hparams.Start.StartTimeSecs);   // the writer's clock by default
    }

    [Fact]
    public void BadHyperparametersAndMetricsAreRefusedByName()
    {
        using var writer = new TensorBoardWriter(directory.Path);
        Assert.Contains("'lr' is NaN", Refused(writer, [new HParam("lr", double.NaN)], []));
        Assert.Contains("'lr' is Infinity", Refused(writer, [new HParam("lr", double.PositiveInfinity)], []));
        Assert.Contains("'arch' has no value", Refused(writer, [new HParam("arch", (string)null!)], []));
        Assert.Contains("'x' has no value", Refused(writer, [new HParam("x", default)], []));
        Assert.Contains("Hyperparameter 1 has no name", Refused(writer, [new HParam("a", 1), new HParam(" ", 2)], []));
        Assert.Contains("'a' is given twice", Refused(writer, [new HParam("a", 1), new HParam("a", "b")], []));
        Assert.Contains("Metric 0 has no tag", Refused(writer, [], [new HParamMetric("")]));
        Assert.Contains("'loss' of group 'g' is given twice", Refused(writer, [], [new HParamMetric("loss") { Group = "g" }, new HParamMetric("loss") { Group = "g" }]));
        Assert.Contains("'loss' has the dataset 7", Refused(writer, [], [new HParamMetric("loss") { Dataset = (HParamDataset)7 }]));
        Assert.Throws<ArgumentNullException>(() => writer.AddHParams(null!, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.AddHParamsEnd((HParamsStatus)9));

        // Nothing was written by the refused calls: the run can still start.
        writer.AddHParams([new HParam("a", 1), new HParam("b", 2) { Description = "same group, other tag" }], [new HParamMetric("loss"), new HParamMetric("loss") { Group = "g" }]);
    }

    [Fact]
    public void TheRunStartsAndEndsOnceInThatOrder()
    {
        using var writer = new TensorBoardWriter(directory.Path);
        Assert.Contains("call AddHParams first", Assert.Throws<InvalidOperationException>(() => writer.AddHParamsEnd(HParamsStatus.Success)).Message);
        writer.AddHParams([new HParam("seed", 0)], []);
        Assert.Contains("already written", Assert.Throws<InvalidOperationException>(() => writer.AddHParams([new HParam("seed", 1)], [])).Message);
        writer.AddHParamsEnd(HParamsStatus.Success);
        Assert.Contains("already written", Assert.Throws<InvalidOperationException>(() => writer.AddHParamsEnd(HParamsStatus.Failure)).Message);
        writer.Dispose();
        using var disposed = new TensorBoardWriter(Path.Combine(directory.Path, "other"));
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => disposed.AddHParams([], []));
        Assert.Throws<ObjectDisposedException>(() => disposed.AddHParamsEnd(HParamsStatus.Success));
    }

    [Fact]
    public void ValuesConvertFromNumbersStringsAndBools()
    {
        HParamValue fromInt = 64, fromLong = 1L << 40, fromFloat = 0.5f, fromText = "deep", fromBool = false;
        Assert.Equal((HParamType.Number, 64.0), (fromInt.Type, fromInt.Number));
        Assert.Equal((HParamType.Number, 1099511627776.0), (fromLong.Type, fromLong.Number));
        Assert.Equal((HParamType.Number, 0.5), (fromFloat.Type, fromFloat.Number));
        Assert.Equal((HParamType.String, "deep"), (fromText.Type, fromText.String));
        Assert.Equal((HParamType.Bool, false), (fromBool.Type, fromBool.Bool));
        Assert.Equal(["64", "1099511627776", "0.5", "deep", "false", "0.001"], new HParamValue[] { fromInt, fromLong, fromFloat, fromText, fromBool, 0.001 }.Select(v => v.ToString()));
    }

    private static string Refused(TensorBoardWriter writer, HParam[] hparams, HParamMetric[] metrics) =>
        Assert.Throws<ArgumentException>(() => writer.AddHParams(hparams, metrics)).Message;

    private static void AssertSummary(string expectedContent, Summary.Types.Value value)
    {
        Assert.Equal(expectedContent, Convert.ToHexStringLower(value.Metadata.PluginData.Content.Span));
        Assert.Equal(NullTensor, Convert.ToHexStringLower(value.Tensor.ToByteArray()));
        // create_summary_metadata sets the plugin data only: no data class, description or display name.
        Assert.Equal((DataClass.Unknown, "", ""), (value.Metadata.DataClass, value.Metadata.SummaryDescription, value.Metadata.DisplayName));
    }
}
