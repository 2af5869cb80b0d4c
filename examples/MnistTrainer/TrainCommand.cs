using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MnistTrainer.Models;
using Spectre.Console;
using TorchSharp;
using TrainExplain.Callbacks;
using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.Metrics;
using TrainExplain.Numerics;
using TrainExplain.TensorBoard;
using TrainExplain.Training;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>The <c>train</c> command: trains a ConvNet and explains a fixed validation batch every k epochs in TensorBoard.</summary>
internal static class TrainCommand
{
    internal static Command Create()
    {
        var data = new Option<string?>("--data") { Description = $"Folder with {DataDirectory.TrainLayouts}; an image folder's class names are its class folders' names (default $MNIST_DIR, ./data/mnist, then Debian's Fashion-MNIST)." };
        var arch = new Option<string>("--arch") { Description = $"Model architecture: {string.Join(", ", Architectures.Names)} (the torchvision ones train on an image folder).", DefaultValueFactory = _ => "simple" };
        arch.AcceptOnlyFromAmong([.. Architectures.Names]);
        var numClasses = (new Option<int?>("--num-classes") { HelpName = "n", Description = "The model's classes (default: 10 for simple and deep; for a torchvision architecture, the image folder's class count)." }).WholeNumber();
        var epochs = (new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 3 }).WholeNumber();
        var batchSize = (new Option<int>("--batch-size") { Description = "Training batch size.", DefaultValueFactory = _ => 64 }).WholeNumber();
        var lr = (new Option<double>("--lr") { Description = $"Adam learning rate, positive, at most {MaxLearningRate:G3}.", DefaultValueFactory = _ => 1e-3 }).Number();
        var seed = (new Option<int>("--seed") { Description = "Seed of initialization, shuffling and dropout.", DefaultValueFactory = _ => 0 }).WholeNumber();
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda[:N].", DefaultValueFactory = _ => "auto" };
        var limitTrain = (new Option<int?>("--limit-train") { Description = "Use only N training images: the first N of MNIST's, or N from an image folder's classes in turn." }).WholeNumber();
        var limitVal = (new Option<int?>("--limit-val") { Description = "Use only N validation images: the first N of MNIST's test split, or N from val/'s classes in turn." }).WholeNumber();
        var logdir = new Option<string>("--logdir") { Description = "TensorBoard log folder.", DefaultValueFactory = _ => "runs" };
        var runName = new Option<string?>("--run-name") { Description = "Run folder under --logdir, refused if it already holds a run (default: a timestamp)." };
        var save = new Option<string?>("--save") { Description = "Also save the weights here (they are always saved as <logdir>/<run>/model.safetensors)." };
        var explainers = new Option<string>("--explainers") { Description = $"Comma list of methods, or 'all' or 'none' ({string.Join(", ", ExplainerCatalog.Names)}); default all, or {string.Join(",", ExplainerCatalog.PhotoDefaults)} for a torchvision architecture." };
        var explainEvery = (new Option<int>("--explain-every") { Description = "Explain every K epochs.", DefaultValueFactory = _ => 1 }).WholeNumber();
        var explainCount = (new Option<int?>("--explain-count") { HelpName = "n", Description = "Images in the fixed validation batch that is explained (default 16, or 4 photos for a torchvision architecture)." }).WholeNumber();
        var explainBudget = (new Option<double?>("--explain-budget") { HelpName = "percent", Description = "Keep the explainer callback within this percent of the run's time: after the first explained epoch, an epoch is skipped when explaining it would go over (default 5 for a torchvision architecture, none for simple and deep; 100 never skips)." }).Number();
        var noMetrics = new Option<bool>("--no-metrics") { Description = "Do not log the explanations' deletion/insertion AUC and stability." };
        var metricSteps = (new Option<int>("--metric-steps") { Description = "Steps S of the deletion and insertion curves.", DefaultValueFactory = _ => 16 }).WholeNumber();
        var saveEvery = (new Option<int>("--save-every") { Description = "Save the weights to <logdir>/<run>/model.safetensors every N epochs as well as at the end, so a killed run keeps its last saved epoch.", DefaultValueFactory = _ => 1 }).WholeNumber();
        var weights = new Option<string?>("--weights") { HelpName = "file", Description = "Start from these weights (.safetensors or PyTorch .pt state_dict of --arch, loaded strictly) to fine-tune them." };
        var keepOnNaN = new Option<bool>("--no-terminate-on-nan") { Description = $"Keep training when the loss turns NaN or infinite (by default the run stops there, exit code {DivergedExitCode})." };

        var command = new Command("train", "Train a ConvNet on MNIST-format data or a folder of images, explaining it every epoch in TensorBoard.")
        {
            data, arch, numClasses, epochs, batchSize, lr, seed, device, limitTrain, limitVal, logdir, runName, save, explainers, explainEvery, explainCount,
            explainBudget, noMetrics, metricSteps, keepOnNaN, saveEvery, weights,
        };
        command.SetAction(result => Run(new TrainSettings(
            DataDirectory.Resolve(result.GetValue(data), imageFolders: true), result.GetValue(arch)!, Positive(result.GetValue(epochs), "--epochs"),
            Positive(result.GetValue(batchSize), "--batch-size"), result.GetValue(lr), result.GetValue(seed),
            DeviceOption.Resolve(result.GetValue(device)!), Positive(result.GetValue(limitTrain), "--limit-train"),
            Positive(result.GetValue(limitVal), "--limit-val"), result.GetValue(logdir)!, result.GetValue(runName),
            result.GetValue(save), ExplainersOf(result.GetValue(explainers), result.GetValue(arch)!),
            Positive(result.GetValue(explainEvery), "--explain-every"),
            Positive(result.GetValue(explainCount), "--explain-count") ?? Architectures.Get(result.GetValue(arch)!).ExplainCount,
            !result.GetValue(noMetrics), Positive(result.GetValue(metricSteps), "--metric-steps"), !result.GetValue(keepOnNaN),
            Positive(result.GetValue(saveEvery), "--save-every"), result.GetValue(weights), result.GetValue(numClasses),
            Percent(result.GetValue(explainBudget), "--explain-budget") ?? Architectures.Get(result.GetValue(arch)!).ExplainBudget)));
        return command;
    }

    /// <summary>
    /// The largest --lr: libtorch's Adam turns its first step size, lr / (1 - beta1) = 10 lr, into a single-precision
    /// number, and fails with its own text ("cannot be converted to type float without overflow") beyond float's range.
    /// </summary>
    internal const double MaxLearningRate = float.MaxValue / 10.0;

    /// <summary>Exit code of a run stopped because its loss turned NaN or infinite (its records and weights are kept).</summary>
    internal const int DivergedExitCode = 3;

    private static string OneDnnStatus(NumericsReport numerics) => (numerics.Mode, numerics.Remedy, numerics.ShapesChecked) switch
    {
        (OneDnnMode.On, _, _) => "oneDNN trusted (not checked)",
        (_, NumericsRemedy.OneDnnOffForBackward, _) => "oneDNN off for backward passes (its convolution gradients are wrong on this CPU)",
        (_, NumericsRemedy.OneDnnOffForProcess, _) => "oneDNN off",
        (_, _, 0) => "oneDNN not checked (not on the CPU)",
        _ => "oneDNN checked: right",
    };

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw new ArgumentException($"{option} must be positive, got {value}.");

    private static int? Positive(int? value, string option) => value is { } given ? Positive(given, option) : null;

    private static double? Percent(double? value, string option) => value is not { } given || given is > 0 and <= 100 ? value :
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{option} must be a percent above 0 and at most 100, got {given}."));

    /// <summary>
    /// The methods of --explainers; without it, all of them for the MNIST ConvNets and <see cref="ExplainerCatalog.PhotoDefaults"/>
    /// for a torchvision model, on which every method at 224 px would take minutes per epoch (Score-CAM alone runs one
    /// forward pass per channel of layer4). Methods whose backward rules cannot reach the model's ReLUs are refused by name.
    /// </summary>
    private static IReadOnlyList<string> ExplainersOf(string? text, string arch)
    {
        var architecture = Architectures.Get(arch);
        var methods = text is null && architecture.IsTorchVision ? ExplainerCatalog.PhotoDefaults : ExplainerCatalog.ParseList(text ?? "all");
        foreach (var method in methods)
        {
            ExplainerCatalog.RequireReachableRelus(method, architecture, "--explainers");
        }
        return methods;
    }

    /// <summary>
    /// Checks --arch against --data and --num-classes before any output is made: a torchvision model takes photos, so its
    /// data is an image folder.
    /// </summary>
    private static void CheckArchitecture(TrainSettings settings)
    {
        var architecture = Architectures.Get(settings.Architecture);
        if (architecture.IsTorchVision && !DataDirectory.IsImageFolder(settings.Data))
        {
            throw new ArgumentException(
                $"--arch {architecture.Name} takes photos [{string.Join(", ", architecture.InputShape)}], which MNIST's 28x28 gray images are not: give --data an image folder ({DataDirectory.TrainLayouts}).");
        }
        Architectures.Classes(settings.Architecture, settings.NumClasses);
    }

    /// <summary>
    /// How an image folder's photos become the model's input: torchvision's ImageNet preprocessing for a 3-channel model
    /// (as <c>explain --images</c> does by default), and for the 1-channel ConvNets gray, the shorter side resized to 28
    /// and the center 28x28 cut, values in [0, 1].
    /// </summary>
    private static ImagePreprocessing PreprocessingOf(Models.Architecture architecture)
    {
        var side = (int)architecture.InputShape[1];
        var gray = architecture.InputShape[0] == 1;
        return new PhotoOptions(Resize: gray ? side : null, Crop: gray ? side : null).Preprocessing(architecture.InputShape);
    }

    private static int Run(TrainSettings settings)
    {
        if (settings.LearningRate is not (> 0 and <= MaxLearningRate))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"--lr must be a positive number no larger than {MaxLearningRate:G3}, got {settings.LearningRate}."));
        }
        if (settings.Weights is not null)
        {
            InputPaths.RequireFile("--weights", settings.Weights);
        }
        CheckArchitecture(settings);
        var architecture = Architectures.Get(settings.Architecture);
        using var outputs = RunOutputs.Claim(settings.LogDir, settings.RunName, settings.SavePath);
        using var signals = new StopSignals();
        manual_seed(settings.Seed);
        var runDirectory = outputs.RunDirectory;
        // The guard runs before the first pass anyway; running it here puts its finding in the run's header.
        var numerics = NumericsGuard.EnsureChecked(settings.Device);
        Console.WriteLine($"data {settings.Data}, arch {settings.Architecture}, device {settings.Device}, {get_num_threads()} threads, {OneDnnStatus(numerics)}");

        var preprocessing = PreprocessingOf(architecture);
        using var data = TrainingData.Load(settings, preprocessing);
        var classCount = settings.NumClasses is null && architecture.IsTorchVision ? data.ClassCount : Architectures.Classes(settings.Architecture, settings.NumClasses);
        using var model = architecture.Factory(classCount);
        if (settings.Weights is not null)
        {
            WeightsOption.Load(model, settings.Weights, settings.Architecture, classCount);
        }
        model.to(settings.Device);
        using var optimizer = optim.Adam(model.parameters(), lr: settings.LearningRate);
        using var loss = nn.CrossEntropyLoss();

        var (images, labels) = data.TakeValidation(Math.Min(settings.ExplainCount, data.ValidationCount));
        using var explainBatch = images;
        using var explainLabels = labels;
        var classNames = data.ClassNamesFor(classCount, settings.Architecture, settings.Data);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<IReadOnlyDictionary<string, double>> history;
        ExplainerCallback? explainerCallback;
        var divergence = new TerminateOnNaNCallback();
        using (var writer = new TensorBoardWriter(runDirectory))
        {
            writer.AddText("config", settings.ToMarkdown(), 0, description: "The command line's settings of this run.");
            var imageFolder = Path.Combine(runDirectory, "images");
            var explainerSettings = new ExplainerSettings(Layer: architecture.CamLayer, ImageShape: architecture.InputShape,
                VisualizedClasses: ExplainerCatalog.FirstClasses(classCount));
            explainerCallback = ExplainerCallbackOf(settings, model, images, labels, writer, imageFolder, classNames, explainerSettings, architecture.FigureOptions(preprocessing));
            using var disposeExplainers = explainerCallback;
            // The epoch's scalars reach the file and its weights the run folder before the epoch line is printed, and
            // before the long explainer work: a run killed after an epoch line has kept that epoch.
            var callbacks = new List<ITrainingCallback>
            {
                new ScalarsCallback(writer), new HistogramCallback(writer, settings.ExplainEvery), new FlushCallback(writer),
                new EpochWeightsCallback(outputs.ModelPath, settings.SaveEvery), new ProgressCallback(),
            };
            if (explainerCallback is not null)
            {
                callbacks.Add(explainerCallback);
            }
            if (settings.Explainers.Contains(ExplainerCatalog.ClassVisualization))
            {
                using var meanImage = data.MeanImage(images);
                callbacks.Add(new ClassVisualizationCallback(ExplainerCatalog.CreateClassVisualizer(model, explainerSettings with { Reference = meanImage }), writer, imageFolder,
                    settings.ExplainEvery, classNames: classNames));
            }
            if (settings.TerminateOnNaN)
            {
                callbacks.Add(divergence);
            }
            callbacks.Add(new FlushCallback(writer));
            // The callback measures the methods whose explanation is a saliency map: not layer activations.
            var measured = explainerCallback?.Options.Faithfulness == true ? explainerCallback.Explainers.Where(e => e is not LayerActivations).ToList() : [];
            writer.AddHParams(HParamsOf(settings), HParamMetricsOf(measured));
            history = Trainer.Fit(model, optimizer, loss, data.Train, data.Validation, settings.Epochs, callbacks, cancellation: signals.Token);
            // A run stopped by a signal neither ran to its end nor failed: the plugin's Unknown, with its end time.
            writer.AddHParamsEnd(signals.Received is not null ? HParamsStatus.Unknown : divergence.Diverged ? HParamsStatus.Failure : HParamsStatus.Success);
        }
        var saveError = outputs.SaveWeights(model);
        var weights = saveError is null ? outputs.SavePath ?? outputs.ModelPath : outputs.ModelPath;
        if (history.Count > 0)
        {
            PrintSummary(settings, history, clock.Elapsed, explainerCallback, runDirectory, weights);
        }
        // With --no-terminate-on-nan the run trains on; weights that ended NaN or infinite still make it a diverged run.
        return Outcome(settings, history.Count, signals.Received, divergence.Diverged || HoldsNonFinite(model), weights, saveError);
    }

    private static bool HoldsNonFinite(nn.Module model)
    {
        using var scope = NewDisposeScope();
        return model.parameters().Any(p => !p.isfinite().all().item<bool>());
    }

    /// <summary>Says how the run ended and what was kept; the exit code: 0, 2 (--save failed), 3 (diverged), 130/143 (signal).</summary>
    private static int Outcome(TrainSettings settings, int finishedEpochs, PosixSignal? signal, bool diverged, string weights, string? saveError)
    {
        if (saveError is not null)
        {
            Console.Error.WriteLine($"error: {saveError}");
        }
        if (signal is { } received)
        {
            Console.Error.WriteLine($"Stopped by {StopSignals.NameOf(received)} after {finishedEpochs} of {settings.Epochs} epochs: the event file holds the finished epochs, the weights of the last training step are in {weights}.");
            return StopSignals.ExitCodeOf(received);
        }
        if (diverged)
        {
            Console.Error.WriteLine($"The weights in {weights} are those of the diverged model (they hold NaN or infinite values); the event file records the run up to the divergence.");
            return DivergedExitCode;
        }
        return saveError is null ? 0 : CommandLineErrors.UsageError;
    }

    /// <summary>The settings that tell runs apart in TensorBoard's HParams tab.</summary>
    private static HParam[] HParamsOf(TrainSettings settings) =>
    [
        new("learning_rate", settings.LearningRate) { Description = "--lr: Adam's learning rate." },
        new("batch_size", settings.BatchSize) { Description = "--batch-size: training images per step." },
        new("epochs", settings.Epochs) { Description = "--epochs: the epochs asked for (a stopped run trains fewer)." },
        new("arch", settings.Architecture) { Description = "--arch: the model architecture." },
        new("optimizer", "Adam") { Description = "The optimizer." },
        new("seed", settings.Seed) { Description = "--seed: of initialization, shuffling and dropout." },
        new("explainers", string.Join(",", settings.Explainers)) { Description = "--explainers: the methods explaining the model each explained epoch." },
    ];

    /// <summary>The validation loss and accuracy, and each measured method's deletion and insertion AUC, as the callbacks log them.</summary>
    private static HParamMetric[] HParamMetricsOf(IReadOnlyList<IExplainer> measured) =>
    [
        .. new[] { TrainingLogKeys.ValidationLoss, TrainingLogKeys.ValidationAccuracy }.Select(key => ScalarsCallback.TagOf(key)).Select(scalar =>
            new HParamMetric(scalar.Tag) { Description = scalar.Description, Dataset = HParamDataset.Validation }),
        .. measured.SelectMany(explainer => new[]
        {
            (Tag: ExplanationMonitor.DeletionTag(explainer.Name), DisplayName: ExplanationMonitor.DeletionDisplayName(explainer.Name), Metric: "deletion auc", Better: "lower"),
            (Tag: ExplanationMonitor.InsertionTag(explainer.Name), DisplayName: ExplanationMonitor.InsertionDisplayName(explainer.Name), Metric: "insertion auc", Better: "higher"),
        }.Select(auc => new HParamMetric(auc.Tag)
        {
            DisplayName = auc.DisplayName,
            Description = $"{explainer.Name}'s mean {auc.Metric} on the explained batch ({auc.Better} is more faithful).",
            Dataset = HParamDataset.Validation,
        })),
    ];

    /// <summary>One callback for the input explainers of <c>--explainers</c>, or null when there are none.</summary>
    private static ExplainerCallback? ExplainerCallbackOf(TrainSettings settings, nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels,
        TensorBoardWriter writer, string imageFolder, IReadOnlyList<string>? classNames, ExplainerSettings explainerSettings, RenderOptions render)
    {
        var methods = settings.Explainers.Where(ExplainerCatalog.ExplainsInputs).ToList();
        return methods.Count == 0 ? null : new ExplainerCallback(
            methods.Select(name => ExplainerCatalog.CreateExplainer(name, model, explainerSettings)), images, Targets.Labels(labels), writer, imageFolder,
            new ExplainerCallbackOptions
            {
                Every = settings.ExplainEvery,
                MaxTimeShare = settings.ExplainBudget / 100,
                Faithfulness = settings.Metrics,
                FaithfulnessSteps = settings.MetricSteps,
                ClassNames = classNames,
                Render = render,
            });
    }

    /// <summary>
    /// The images per tag TensorBoard must keep to show every explained epoch: it keeps 10 by default, and 0 shows none
    /// on today's TensorBoard (both loaders serve at most that many), so at least 1,000, as the README advises, and the
    /// run's epochs if more (an image tag has one step per explained epoch at most).
    /// </summary>
    private static int ImageSamples(TrainSettings settings) => Math.Max(1000, settings.Epochs);

    private static void PrintSummary(TrainSettings settings, IReadOnlyList<IReadOnlyDictionary<string, double>> history, TimeSpan elapsed,
        ExplainerCallback? explainers, string runDirectory, string savePath)
    {
        var last = history[^1];
        var table = new Table().AddColumn("result").AddColumn("value");
        table.AddRow("validation accuracy", last.TryGetValue(TrainingLogKeys.ValidationAccuracy, out var accuracy) ? accuracy.ToString("P2", CultureInfo.InvariantCulture) : "-");
        table.AddRow("training time per epoch", string.Join(", ", history.Select(h => $"{h[TrainingLogKeys.EpochSeconds]:F1} s")));
        table.AddRow("explainer time (last explained epoch)", explainers is null ? "-" : $"{explainers.LastElapsed.Sum(e => e.TotalSeconds):F2} s for {explainers.Explainers.Count} methods");
        table.AddRow("total time", $"{elapsed.TotalSeconds:F1} s");
        if (explainers is not null)
        {
            table.AddRow("explained epochs", $"{string.Join(", ", explainers.ExplainedEpochs)}: {explainers.TimeSpent.TotalSeconds:F1} s, {explainers.TimeSpent / elapsed:P1} of the run");
        }
        table.AddRow("event files", Markup.Escape(Path.GetFullPath(runDirectory)));
        table.AddRow("explanation images", Markup.Escape(Path.GetFullPath(Path.Combine(runDirectory, "images"))));
        table.AddRow("weights", Markup.Escape(Path.GetFullPath(savePath)));
        AnsiConsole.Write(table);
        Console.WriteLine($"View it: tensorboard --logdir {Path.GetFullPath(settings.LogDir)} --samples_per_plugin images={ImageSamples(settings)}");
    }
}
