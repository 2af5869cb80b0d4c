using System.Globalization;
using MnistTrainer.Models;
using MnistTrainer.Tests.Support;
using TrainExplain.Data;
using TrainExplain.Data.SafeTensors;
using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.Metrics;

namespace MnistTrainer.Tests;

/// <summary>
/// The explain command's class visualization without inputs (issue 12, item 5), its faithfulness figures (issue 15,
/// item 3), and its checks of flags, inputs and outputs before any work (issue 13, items 4 to 7), on a model with random
/// weights and random images, so no data set is needed.
/// </summary>
public sealed class ExplainCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("mnisttrainer-explain").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Weights()
    {
        var path = Path.Combine(root, "model.safetensors");
        manual_seed(83);
        using var model = new SimpleConvNet();
        ModelWeights.Save(model, path);
        return path;
    }

    private string Inputs(int count)
    {
        var path = Path.Combine(root, "inputs.safetensors");
        using var scope = NewDisposeScope();
        manual_seed(84);
        TensorSafeTensors.Save(path, new Dictionary<string, Tensor> { ["images"] = rand([count, 1, 28, 28]), ["labels"] = randint(0L, 10L, [(long)count]) });
        return path;
    }

    [Fact]
    public void ActivationMaximizationNeedsNoInputsAndSaysItIgnoresThem()
    {
        var weights = Weights();
        var output = Path.Combine(root, "actmax");
        var (code, printed, error) = Cli.Run("explain", "--weights", weights, "--method", "actmax", "--steps", "2", "--out", output, "--device", "cpu");
        Assert.True(code == 0, error);
        Assert.Equal("", error);
        Assert.Contains("ActivationMaximization: 10 classes, targets [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]", printed);
        Assert.True(File.Exists(Path.Combine(output, "actmax.png")));
        using (var scope = NewDisposeScope())
        {
            var saved = TensorSafeTensors.Load(Path.Combine(output, "actmax.safetensors"));
            Assert.Equal([10L, 1, 28, 28], saved["attributions"].shape);
            Assert.Equal(Enumerable.Range(0, 10).Select(c => (long)c), saved["targets"].data<long>().ToArray());
        }

        (code, _, error) = Cli.Run("explain", "--weights", weights, "--method", "actmax", "--steps", "2", "--input", Inputs(2), "--metrics", "--out", output, "--device", "cpu");
        Assert.True(code == 0, error);
        Assert.Contains("note: actmax synthesizes one image per class and reads no inputs; the input flags are ignored.", error);
        Assert.Contains("note: --metrics does not apply to actmax", error);
    }

    [Fact]
    public void ThePictureIsTheLabelledFigureTrainingWritesWithClassIndicesWithoutADataFolder()
    {
        var weights = Weights();
        var inputs = Inputs(3);
        var output = Path.Combine(root, "figure");
        Cli.Succeed("explain", "--weights", weights, "--method", "vanilla", "--input", inputs, "--target", "label", "--out", output, "--device", "cpu");

        using var scope = NewDisposeScope();
        var saved = TensorSafeTensors.Load(inputs);
        var (picture, labels, grid) = AssertIsTheLibrarysFigure(Path.Combine(output, "vanilla.png"), weights, "vanilla", saved["images"], saved["labels"], Targets.Labels(saved["labels"]), names: null);
        Assert.Equal(saved["labels"].data<long>().ToArray().Select(c => c.ToString(CultureInfo.InvariantCulture)), labels.Select(l => l.TrueClass));
        Assert.All(labels, l => Assert.Null(l.ExplainedClass));
        // 3 tiles of 112 px, 2 px apart and from the border, in the plain grid; the figure is at least 480 px wide, with a caption, label bands and the colour bar.
        Assert.Equal(((3 * 112) + (4 * 2), 112 + (2 * 2)), (grid.Width, grid.Height));
        Assert.Equal(480, picture.Width);
        // Caption; tiles framed (3 px) over 2 label lines (true, pred) in the grid's padding; the bar with its note on 2 lines.
        Assert.Equal(20 + ((2 * 2) + 112 + (2 * 3) + (2 * 12) + 4) + 22 + 13, picture.Height);
    }

    [Fact]
    public void IndicesWithoutDataSayWhichFolderTheImagesCameFrom()
    {
        FashionMnist.Require();
        var output = Cli.Succeed(Explain("vanilla", "--indices", "0-1", "--out", Path.Combine(root, "indices")));
        Assert.Contains($"images: --indices 0-1 of the test split in {Path.GetFullPath(DataDirectory.Resolve(null))}\n", output.ReplaceLineEndings("\n"));
    }

    /// <summary>Issue 22, item 4: 10,000 images once made a 962x200,044 px figure; it shows 64 and says so, the tensors hold all.</summary>
    [Fact]
    public void ManyIndicesDrawTheFirst64TilesAndSayThatTheTensorsHoldAll()
    {
        FashionMnist.Require();
        var output = Path.Combine(root, "many");
        var printed = Cli.Succeed(Explain("vanilla", "--data", FashionMnist.Directory, "--indices", "0-99", "--out", output));

        var tensors = Path.Combine(output, "vanilla.safetensors");
        Assert.Contains($"figure: 64 of 100 images shown; all are in {tensors}\n", printed.ReplaceLineEndings("\n"));
        var figure = ImageFile.Load(Path.Combine(output, "vanilla.png"));
        var few = Path.Combine(root, "few");
        Cli.Succeed(Explain("vanilla", "--data", FashionMnist.Directory, "--indices", "0-63", "--out", few));
        // Eight rows of eight tiles, as the figure of the first 64 images alone (its caption's extra words fit its line).
        Assert.Equal(ImageFile.Load(Path.Combine(few, "vanilla.png")).Height, figure.Height);
        using var scope = NewDisposeScope();
        Assert.Equal(100, TensorSafeTensors.Load(tensors)["attributions"].size(0));
    }

    [Fact]
    public void ADataFolderOfFashionMnistNamesTheClassesAndActivationMaximizationIsLabelledToo()
    {
        FashionMnist.Require();
        var weights = Weights();
        var output = Path.Combine(root, "named");
        Cli.Succeed(Explain("gradcam", "--data", FashionMnist.Directory, "--indices", "0-2", "--target", "2", "--out", output));
        using (var scope = NewDisposeScope())
        using (var test = ImageDataset.LoadMnist(FashionMnist.Directory, train: false, limit: 3))
        {
            var (images, truth) = test.Take(3);
            var (_, labels, _) = AssertIsTheLibrarysFigure(Path.Combine(output, "gradcam.png"), weights, "gradcam", images, truth, Targets.Class(2), FashionMnistClasses.Names);
            Assert.Equal(["Ankle boot", "Pullover", "Trouser"], labels.Select(l => l.TrueClass));
            Assert.Equal([FashionMnistClasses.Names[2], null, FashionMnistClasses.Names[2]], labels.Select(l => l.ExplainedClass));
        }

        Cli.Succeed(Explain("actmax", "--steps", "2", "--data", FashionMnist.Directory, "--out", output));
        using var model = new SimpleConvNet();
        ModelWeights.Load(model, weights);
        using var pictures = ExplainerCatalog.CreateClassVisualizer(model, new ExplainerSettings(Steps: 2)).Visualize();
        var expected = pictures.RenderFigure(TileLabels.ForClassImages(pictures, FashionMnistClasses.Names));
        Assert.Equal(expected.Pixels, TrainExplain.Imaging.ImageFile.Load(Path.Combine(output, "actmax.png")).ToChannels(3).Pixels);
    }

    /// <summary>
    /// The PNG at <paramref name="path"/> is, pixel for pixel, the library's figure of <paramref name="method"/> on these
    /// images, each tile labelled by <see cref="TileLabels.ForInputs(nn.Module{Tensor, Tensor}, Tensor, IReadOnlyList{long}, Tensor?, IReadOnlyList{string}?)"/>
    /// as the training callback labels it; it returns the picture, the labels and the plain grid.
    /// </summary>
    private static (Image Picture, IReadOnlyList<TileLabel> Labels, Image Grid) AssertIsTheLibrarysFigure(
        string path, string weights, string method, Tensor images, Tensor truth, Targets targets, IReadOnlyList<string>? names)
    {
        using var model = new SimpleConvNet();
        ModelWeights.Load(model, weights);
        model.eval();
        using var explanation = ExplainerCatalog.CreateExplainer(method, model, new ExplainerSettings()).Explain(images, targets);
        var labels = TileLabels.ForInputs(model, images, explanation.Targets, truth, names);
        var expected = explanation.RenderFigure(labels);
        var picture = TrainExplain.Imaging.ImageFile.Load(path).ToChannels(3);
        Assert.Equal((expected.Width, expected.Height), (picture.Width, picture.Height));
        Assert.Equal(expected.Pixels, picture.Pixels);
        Assert.Contains(picture.Pixels.Take(picture.Width * 3 * 20), b => b > 0);   // the caption band is drawn
        return (picture, labels, explanation.RenderGrid());
    }

    [Fact]
    public void MetricsAddDeletionAndInsertionAucToTheTensorsAndPrintTheirMeans()
    {
        var weights = Weights();
        var inputs = Inputs(3);
        var output = Path.Combine(root, "explained");
        var printed = Cli.Succeed("explain", "--weights", weights, "--method", "gradcam", "--input", inputs, "--target", "label", "--metrics", "--metric-steps", "4",
            "--out", output, "--device", "cpu");

        using var scope = NewDisposeScope();
        var saved = TensorSafeTensors.Load(Path.Combine(output, "gradcam.safetensors"));
        var (deletion, insertion) = (saved["deletion_auc"], saved["insertion_auc"]);
        Assert.Equal(ScalarType.Float32, deletion.dtype);
        Assert.Equal(ScalarType.Float32, insertion.dtype);
        Assert.Equal([3L], deletion.shape);
        Assert.Equal([3L], insertion.shape);

        // The figures are the library's, on the saved saliency of the saved inputs, for the saved targets, with S = 4.
        using var model = new SimpleConvNet();
        ModelWeights.Load(model, weights);
        var direct = new DeletionInsertion(model, steps: 4).Measure(saved["inputs"], saved["saliency"], saved["targets"]);
        Assert.Equal(direct.Deletion, deletion.data<float>().ToArray());
        Assert.Equal(direct.Insertion, insertion.data<float>().ToArray());
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"deletion AUC {deletion.mean().item<float>():F4} (lower is more faithful), insertion AUC {insertion.mean().item<float>():F4} (higher is), 4 steps"), printed);

        var (code, _, error) = Cli.Run("explain", "--weights", weights, "--method", "activations", "--input", inputs, "--metrics", "--out", output, "--device", "cpu");
        Assert.Equal(0, code);
        Assert.Contains("note: --metrics does not apply to activations", error);
        Assert.False(TensorSafeTensors.Load(Path.Combine(output, "activations.safetensors")).ContainsKey("deletion_auc"));

        var withoutMetrics = Cli.Succeed("explain", "--weights", weights, "--method", "vanilla", "--input", inputs, "--out", output, "--device", "cpu");
        Assert.DoesNotContain("deletion AUC", withoutMetrics);
        Assert.False(TensorSafeTensors.Load(Path.Combine(output, "vanilla.safetensors")).ContainsKey("deletion_auc"));
    }

    [Fact]
    public void ANonPositiveMetricStepCountIsOneClearError()
    {
        var (code, _, error) = Cli.Run("explain", "--weights", Weights(), "--method", "vanilla", "--input", Inputs(1), "--metrics", "--metric-steps", "0",
            "--out", Path.Combine(root, "x"), "--device", "cpu");
        Assert.Equal(CommandLineErrors.UsageError, code);
        Cli.AssertOneLineErrors(error);
        Assert.Contains("--metric-steps must be positive, got 0", error);
    }

    [Fact]
    public void MetricStepsWithoutMetricsAreSaidToBeIgnored()
    {
        var (code, _, error) = Cli.Run("explain", "--weights", Weights(), "--method", "vanilla", "--input", Inputs(1), "--metric-steps", "4",
            "--out", Path.Combine(root, "x"), "--device", "cpu");
        Assert.Equal(0, code);
        Assert.Contains("warning: --metric-steps applies only with --metrics; it is ignored.", error);
    }

    private string Png(string name, int width, int height)
    {
        var path = Path.Combine(root, name);
        File.WriteAllBytes(path, TrainExplain.Imaging.Png.Encode(new TrainExplain.Imaging.Image(width, height, 1, new byte[width * height])));
        return path;
    }

    private string[] Explain(string method, params string[] more) =>
        ["explain", "--weights", Weights(), "--method", method, "--device", "cpu", .. more];

    private static string FailsWithOneLine(params string[] args)
    {
        var (code, _, error) = Cli.Run(args);
        Assert.Equal(CommandLineErrors.UsageError, code);
        Cli.AssertOneLineErrors(error);
        return error;
    }

    public static TheoryData<string, string[], string> BadMethodOptions => new()
    {
        { "ig", ["--steps", "2000000000"], $"error: --steps must be 1 to {IntegratedGradients.MaxSteps} for integrated gradients, got 2000000000." },
        { "ig", ["--steps", "1000000000", "--rule", "riemann_left"], $"error: --steps must be 1 to {IntegratedGradients.MaxSteps} for integrated gradients, got 1000000000." },
        { "ig", ["--steps", "1", "--rule", "riemann_trapezoid"], $"error: --steps must be 2 to {IntegratedGradients.MaxSteps} for integrated gradients with riemann_trapezoid, got 1." },
        { "ig", ["--baseline", "NaN"], "error: --baseline must be a finite number, got NaN." },
        { "smoothgrad", ["--samples", "0"], $"error: --samples must be 1 to {SmoothGrad.MaxSamples}, got 0." },
        { "vargrad", ["--samples", "2000000"], $"error: --samples must be 1 to {SmoothGrad.MaxSamples}, got 2000000." },
        { "smoothgrad", ["--noise", "-1"], "error: --noise must be a number from 0 to 1000 (a fraction of each image's value range; 0.1 to 0.2 is usual), got -1." },
        { "smoothgrad", ["--noise", "1e40"], "error: --noise must be a number from 0 to 1000 (a fraction of each image's value range; 0.1 to 0.2 is usual), got 1E+40." },
        { "vanilla", ["--metric-steps", "-1"], "error: --metric-steps must be positive, got -1." },
        { "occlusion", ["--patch", "0"], "error: --patch must be 1 to 28 (the images are 28x28), got 0." },
        { "occlusion", ["--patch", "40"], "error: --patch must be 1 to 28 (the images are 28x28), got 40." },
        { "occlusion", ["--stride", "0"], "error: --stride must be at least 1, got 0." },
        { "vanilla", ["--internal-batch-size", "0"], "error: --internal-batch-size must be at least 1, got 0." },
        { "deeplift", ["--internal-batch-size", "1"], "error: --internal-batch-size must be at least 2 for deeplift (each pass holds images and their baselines), got 1." },
        { "scorecam", ["--max-channels", "0"], "error: --max-channels must be at least 1, got 0." },
    };

    [Theory]
    [InlineData("--steps", "NaN", "error: --steps must be a whole number, got 'NaN'.")]
    [InlineData("--steps", "1e3", "error: --steps must be a whole number, got '1e3'.")]
    [InlineData("--steps", "99999999999", "error: --steps must be a whole number from -2147483648 to 2147483647, got '99999999999'.")]
    [InlineData("--baseline", "1e39", "error: --baseline must be a number no larger than 3.4E+38 in size, got '1e39'.")]
    [InlineData("--noise", "lots", "error: --noise must be a number, got 'lots'.")]
    [InlineData("--metric-steps", "-", "error: --metric-steps must be a whole number, got '-'.")]
    public void NumericParseErrorsSayWhatTheFlagTakesInPlainWords(string flag, string value, string expected)
    {
        var (exitCode, _, error) = Cli.Run(Explain("ig", flag, value, "--input", "/nonexistent.safetensors"));
        Assert.Equal(CommandLineErrors.UsageError, exitCode);
        Assert.Equal(expected, error.Split('\n')[0]);
        Assert.DoesNotContain("System.", error);
    }

    [Theory]
    [MemberData(nameof(BadMethodOptions))]
    public void MethodOptionsOutOfRangeNameTheFlagBeforeAnyWork(string method, string[] options, string expected)
    {
        // --out is a file and the inputs do not exist: the options are checked first, so neither is reached.
        var error = FailsWithOneLine([.. Explain(method, [.. options, "--input", "/nonexistent.safetensors", "--out", "/dev/null"])]);
        Assert.Equal(expected, error.TrimEnd());
    }

    [Fact]
    public void FlagsTheMethodDoesNotReadGetAWarningNamingFlagAndMethod()
    {
        var (code, _, error) = Cli.Run(Explain("gradcam", "--input", Inputs(1), "--steps", "5", "--samples", "3", "--out", Path.Combine(root, "o")));
        Assert.True(code == 0, error);
        Assert.Equal(
            ["warning: --steps does not apply to gradcam; it is ignored.", "warning: --samples does not apply to gradcam; it is ignored."],
            error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void BadInputsNameTheirFlagFileAndWhatWasExpected()
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, "folder")).FullName;
        var output = Path.Combine(root, "o");
        Assert.Contains($"error: --input {folder} is a folder; expected a regular file.", FailsWithOneLine(Explain("vanilla", "--input", folder, "--out", output)));
        Assert.Contains($"error: --weights {folder} is a folder; expected a regular file.",
            FailsWithOneLine("explain", "--weights", folder, "--method", "vanilla", "--input", Inputs(1), "--out", output));
        Assert.Contains("error: --images /dev/zero is a character device; expected a regular file.", FailsWithOneLine(Explain("vanilla", "--images", "/dev/zero", "--out", output)));
        var huge = Png("huge.png", 5000, 5000);
        Assert.Contains($"error: --images {huge} is 5000x5000; the model takes 28x28 images.", FailsWithOneLine(Explain("vanilla", "--images", Png("ok.png", 28, 28), huge, "--out", output)));

        var notSafeTensors = Path.Combine(root, "garbage.safetensors");
        File.WriteAllBytes(notSafeTensors, [1, 2, 3]);
        Assert.Contains($"error: --input {notSafeTensors}: ", FailsWithOneLine(Explain("vanilla", "--input", notSafeTensors, "--out", output)));
        var weightsError = FailsWithOneLine("explain", "--weights", notSafeTensors, "--method", "vanilla", "--input", Inputs(1), "--out", output);
        Assert.StartsWith($"error: --weights {notSafeTensors}: ", weightsError);
        Assert.Single(weightsError.Split(notSafeTensors)[1..]);

        var nonFinite = Path.Combine(root, "nan-input.safetensors");
        using (var scope = NewDisposeScope())
        {
            TensorSafeTensors.Save(nonFinite, new Dictionary<string, Tensor> { ["images"] = full([2, 1, 28, 28], float.NaN) });
        }
        Assert.Contains($"error: --input {nonFinite}: 'images' holds 1568 NaN or infinite values", FailsWithOneLine(Explain("vanilla", "--input", nonFinite, "--out", output)));
        Assert.False(File.Exists(Path.Combine(output, "vanilla.png")));
    }

    [Fact]
    public void WeightsWithNaNAreRefusedNamingTheTensorsAndDeepWeightsSuggestArchDeepAndAMissingLayerListsTheLayers()
    {
        var nan = Path.Combine(root, "nan.safetensors");
        using (var model = new SimpleConvNet())
        using (no_grad())
        {
            model.named_parameters().First(p => p.name.EndsWith("bias", StringComparison.Ordinal)).parameter.fill_(float.NaN);
            ModelWeights.Save(model, nan);
        }
        var error = FailsWithOneLine("explain", "--weights", nan, "--method", "vanilla", "--input", Inputs(1), "--out", Path.Combine(root, "o"), "--device", "cpu");
        Assert.Matches(@"^error: --weights .*nan\.safetensors holds NaN or infinite values in [a-z0-9_.]+bias \(\d+\), so every explanation would be NaN", error);

        error = FailsWithOneLine(Explain("gradcam", "--input", Inputs(1), "--layer", "bogus", "--out", Path.Combine(root, "o")));
        Assert.Equal("error: --layer bogus: the model has no such layer; it has conv1 (Conv2d), relu1 (ReLU), pool1 (MaxPool2d), conv2 (Conv2d), relu2 (ReLU), " +
            "pool2 (MaxPool2d), flatten (Flatten), dropout (Dropout), fc (Linear).", error.TrimEnd());

        var deep = Path.Combine(root, "deep.safetensors");
        using (var model = new DeepConvNet())
        {
            ModelWeights.Save(model, deep);
        }
        error = FailsWithOneLine("explain", "--weights", deep, "--method", "vanilla", "--input", Inputs(1), "--out", Path.Combine(root, "o"), "--device", "cpu");
        Assert.StartsWith($"error: --weights {deep}: ", error);
        Assert.Contains("(with --arch simple); the file fits --arch deep.", error);
    }

    [Fact]
    public void IndicesPastIntRangeAreARangeErrorNotAnOverflow()
    {
        FashionMnist.Require();
        var error = FailsWithOneLine(Explain("vanilla", "--data", FashionMnist.Directory, "--indices", "0-2147483647", "--out", Path.Combine(root, "o")));
        Assert.Equal("error: --indices 0-2147483647 goes past the test split's 10000 images (0-9999).", error.TrimEnd());
        error = FailsWithOneLine(Explain("vanilla", "--data", FashionMnist.Directory, "--indices", "0-2147483648", "--out", Path.Combine(root, "o")));
        Assert.Equal("error: --indices must be A-B, two whole numbers with A <= B, got '0-2147483648'.", error.TrimEnd());
    }

    [Fact]
    public void TheOutputFolderIsCheckedFirstAndMissingParentsAreCreated()
    {
        var file = Path.Combine(root, "a-file");
        File.WriteAllText(file, "");
        // Checked after the flags and input paths but before the model is built, so a wrong --out costs no computation.
        Assert.Contains($"error: --out {file} is a file; give a folder (it is created if missing).", FailsWithOneLine(Explain("vanilla", "--input", Inputs(1), "--out", file)));
        Assert.Contains($"error: --out {file}/sub cannot be created or written: ", FailsWithOneLine(Explain("vanilla", "--input", Inputs(1), "--out", Path.Combine(file, "sub"))));
        Assert.Contains("error: --out needs a folder path, got an empty one.", FailsWithOneLine(Explain("vanilla", "--input", Inputs(1), "--out", "")));

        var nested = Path.Combine(root, "new", "deeper", "out");
        Cli.Succeed(Explain("vanilla", "--input", Inputs(1), "--out", nested));
        Assert.Equal(["vanilla.png", "vanilla.safetensors"], Directory.GetFiles(nested).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void AFolderInThePlaceOfAnOutputFileLeavesTheOldPairAndNoTemporaryFiles()
    {
        var output = Directory.CreateDirectory(Path.Combine(root, "pair")).FullName;
        var png = Path.Combine(output, "vanilla.png");
        File.WriteAllText(png, "old picture");
        // A folder where the safetensors file goes: refused before any work, as a device or FIFO would be (issue 22).
        Directory.CreateDirectory(Path.Combine(output, "vanilla.safetensors"));
        var error = FailsWithOneLine(Explain("vanilla", "--input", Inputs(1), "--out", output));
        Assert.Equal($"error: --out: '{Path.Combine(output, "vanilla.safetensors")}' is a folder, not a regular file; give the path of a file to write.", error.TrimEnd());
        Assert.Equal("old picture", File.ReadAllText(png));
        Assert.Equal(["vanilla.png"], Directory.GetFiles(output).Select(Path.GetFileName));
    }

    [Fact]
    public void HelpFitsAHundredColumnsAndGivesEachMethodsDefaults()
    {
        var help = Cli.Succeed("explain", "--help");
        var lines = help.Split('\n');
        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= App.HelpWidth, $"{line.TrimEnd().Length} columns: {line}"));
        var text = string.Join(' ', lines.Select(l => l.Trim()));
        Assert.Contains("ig: points on the path (default 50", text);
        Assert.Contains("actmax: ascent steps (default 200)", text);
        Assert.Contains("noisy samples (default 20", text);
        Assert.Contains("occlusion: window side (default round(H/7)", text);
        Assert.Contains("gauss_legendre (default)", text);
    }

    [Theory]
    [InlineData("<train|explain> [options]")]
    [InlineData("<train|explain> [options]", "expalin")]
    [InlineData("explain [options]", "explain", "--weigths", "w.safetensors")]
    public void ParseErrorsEndWithAUsageHint(string usage, params string[] args)
    {
        var error = FailsWithOneLine(args);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("usage: ", lines[^1]);
        Assert.Contains(usage, lines[^1]);
        Assert.Contains("--help", lines[^1]);
    }

    [Fact]
    public void LibTorchsBacktraceIsCutFromItsMessages()
    {
        Assert.Equal("shape mismatch at conv", CommandLineErrors.OneLine("shape mismatch\n at conv\nException raised from foo at bar.cpp:12\nframe #0: baz"));
    }
}
