using System.CommandLine;
using System.Globalization;
using MnistTrainer.Models;
using TorchSharp;
using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.Metrics;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>The <c>explain</c> command: explains a saved model's decisions on given images with one method.</summary>
internal static class ExplainCommand
{
    internal static Command Create()
    {
        var weights = new Option<string>("--weights") { HelpName = "file", Description = "The model's weights: .safetensors (as train --save writes) or PyTorch's torch.save(model.state_dict()) .pt.", Required = true };
        var arch = new Option<string>("--arch") { HelpName = "name", Description = $"Model architecture: {string.Join(", ", Architectures.Names)} (the MNIST ConvNets take [1,28,28], torchvision's [3,224,224]).", DefaultValueFactory = _ => "simple" };
        arch.AcceptOnlyFromAmong([.. Architectures.Names]);
        var numClasses = (new Option<int?>("--num-classes") { HelpName = "n", Description = "The model's classes (default 1000 for the torchvision architectures; simple and deep have 10)." }).WholeNumber();
        var classes = new Option<string?>("--classes") { HelpName = "file", Description = "Class names, one per line (UTF-8), for the figure and the saved metadata (default: ImageNet's for a torchvision model with 1000 classes)." };
        var method = new Option<string>("--method") { HelpName = "name", Description = $"One of {string.Join(", ", ExplainerCatalog.Names)}.", Required = true };
        method.AcceptOnlyFromAmong([.. ExplainerCatalog.Names]);
        var target = new Option<string>("--target") { HelpName = "class", Description = "predicted, label, or a class index (actmax: the one class to draw; without it, every class of a model with at most 10).", DefaultValueFactory = _ => "predicted" };
        var input = new Option<string?>("--input") { HelpName = "file", Description = "safetensors with 'images' [N,C,H,W] float32 (the architecture's input) and optional 'labels' int64 [N]." };
        var data = new Option<string?>("--data") { HelpName = "folder", Description = "MNIST-format folder; explains test images --indices A-B. A Fashion-MNIST folder names the classes in the picture." };
        var indices = new Option<string?>("--indices") { HelpName = "A-B", Description = "Test-split range A-B (inclusive) with --data." };
        var images = new Option<string[]>("--images") { HelpName = "file", Description = "JPEG, PNG, WebP, BMP or GIF files of any size, gray or color (EXIF orientation applied), preprocessed by --resize, --crop, --mean and --std.", AllowMultipleArgumentsPerToken = true };
        var resize = (new Option<int?>("--resize") { HelpName = "n", Description = "--images: resize the shorter side to n pixels, keeping the aspect (Pillow's antialiased bilinear, as torchvision's Resize). Default: 256 for a 3x224x224 model (H * 256 / 224), none for a 1-channel one." }).WholeNumber();
        var crop = (new Option<int?>("--crop") { HelpName = "n", Description = "--images: cut the center n x n square after resizing (torchvision's CenterCrop). Default: the model's side for a 3-channel model, none for a 1-channel one." }).WholeNumber();
        var mean = new Option<string?>("--mean") { HelpName = "a,b,c", Description = "--images: per-channel means subtracted from pixels in [0, 1]. Default: ImageNet's 0.485,0.456,0.406 for a 3-channel model, 0 for a 1-channel one." };
        var std = new Option<string?>("--std") { HelpName = "a,b,c", Description = "--images: per-channel standard deviations divided by. Default: ImageNet's 0.229,0.224,0.225 for a 3-channel model, 1 for a 1-channel one." };
        var output = new Option<string>("--out") { HelpName = "folder", Description = "Folder for <method>.png and <method>.safetensors (created if missing).", DefaultValueFactory = _ => "explanations" };
        var device = new Option<string>("--device") { HelpName = "device", Description = "auto, cpu or cuda[:N].", DefaultValueFactory = _ => "auto" };
        var steps = (new Option<int?>("--steps") { HelpName = "n", Description = $"ig: points on the path (default 50, at most {IntegratedGradients.MaxSteps}); actmax: ascent steps (default 200), each class stopping once its probability reaches 0.99." }).WholeNumber();
        var rule = new Option<string?>("--rule") { HelpName = "rule", Description = "ig: riemann_left, riemann_right, riemann_middle, riemann_trapezoid or gauss_legendre (default)." };
        var baseline = (new Option<float?>("--baseline") { HelpName = "value", Description = "ig, deeplift: the baseline image's value everywhere (default 0)." }).Number();
        var samples = (new Option<int?>("--samples") { HelpName = "n", Description = $"smoothgrad, smoothgrad_sq, vargrad: noisy samples (default 20, at most {SmoothGrad.MaxSamples})." }).WholeNumber();
        var noise = (new Option<double?>("--noise") { HelpName = "level", Description = "smoothgrad, smoothgrad_sq, vargrad: noise level as a fraction of the input range (default 0.15)." }).Number();
        var layer = new Option<string?>("--layer") { HelpName = "name", Description = "gradcam, gradcampp, layercam, scorecam, guided_gradcam, activations: layer by dotted module name (default: layer4 for the ResNets, the last ReLU of features for VGG and AlexNet, features.18 for mobilenet_v2, else the last Conv2d)." };
        var maxChannels = (new Option<int?>("--max-channels") { HelpName = "n", Description = "scorecam: score only each image's n channels of largest mean activation, n forward passes per image (default: every channel, K passes)." }).WholeNumber();
        var patch = (new Option<int?>("--patch") { HelpName = "pixels", Description = "occlusion: window side (default round(H/7), 4 for 28x28)." }).WholeNumber();
        var stride = (new Option<int?>("--stride") { HelpName = "pixels", Description = "occlusion: stride (default patch/2)." }).WholeNumber();
        var score = new Option<string?>("--score") { HelpName = "kind", Description = "logit or probability (default logit; probability for occlusion, scorecam and actmax); not for activations." };
        var internalBatch = (new Option<int?>("--internal-batch-size") { HelpName = "n", Description = $"Most images per forward/backward pass (default {ModelMethod.DefaultInternalBatchSize}; on the CPU also at most {ModelMethod.CpuChunkValues} input values, 6 images of 224 px)." }).WholeNumber();
        var seed = (new Option<int?>("--seed") { HelpName = "n", Description = "smoothgrad, smoothgrad_sq, vargrad, actmax: seed of the noise (default 0)." }).WholeNumber();
        var metrics = new Option<bool>("--metrics") { Description = "Also measure deletion and insertion AUC (saved as deletion_auc, insertion_auc [N]; means printed)." };
        var metricSteps = (new Option<int>("--metric-steps") { HelpName = "n", Description = "Steps S of the deletion and insertion curves.", DefaultValueFactory = _ => 16 }).WholeNumber();

        var command = new Command("explain", "Explain a saved model's decisions on some images.")
        {
            weights, arch, numClasses, classes, method, target, input, data, indices, images, resize, crop, mean, std, output, device, steps, rule, baseline, samples, noise, layer, maxChannels, patch, stride,
            score, internalBatch, seed, metrics, metricSteps,
        };
        command.SetAction(result =>
        {
            var settings = new ExplainerSettings(result.GetValue(steps), ParseRule(result.GetValue(rule)), result.GetValue(baseline),
                result.GetValue(samples), result.GetValue(noise), result.GetValue(layer), result.GetValue(patch), result.GetValue(stride),
                ParseScore(result.GetValue(score)), result.GetValue(internalBatch), result.GetValue(seed), MaxChannels: result.GetValue(maxChannels));
            var architecture = Architectures.Get(result.GetValue(arch)!);
            var source = new ExplainInputs(result.GetValue(input), result.GetValue(data), result.GetValue(indices), result.GetValue(images) ?? [], architecture,
                new PhotoOptions(result.GetValue(resize), result.GetValue(crop), result.GetValue(mean), result.GetValue(std)));
            // A bad --metric-steps is refused even without --metrics; a good one without it is said to be ignored.
            var curveSteps = MetricSteps(result.GetValue(metricSteps));
            if (!result.GetValue(metrics) && result.GetResult(metricSteps) is { Implicit: false })
            {
                Console.Error.WriteLine("warning: --metric-steps applies only with --metrics; it is ignored.");
            }
            var metricOptions = result.GetValue(metrics) ? curveSteps : (int?)null;
            var model = new ModelChoice(architecture, Architectures.Classes(architecture.Name, result.GetValue(numClasses)), result.GetValue(classes));
            return Run(result.GetValue(weights)!, model, result.GetValue(method)!, result.GetValue(target)!, source,
                result.GetValue(output)!, DeviceOption.Resolve(result.GetValue(device)!), settings with { ImageShape = architecture.InputShape }, metricOptions);
        });
        return command;
    }

    /// <summary>
    /// Checks every flag, input path and the output folder first, then loads, explains, and publishes the pair of files:
    /// the tensors and the labeled figure that training writes (caption, tiles with their labels, color bar).
    /// </summary>
    private static int Run(string weights, ModelChoice choice, string method, string target, ExplainInputs source, string output, Device device,
        ExplainerSettings settings, int? metricSteps)
    {
        var (architecture, classCount, classesFile) = choice;
        settings.Validate(method);
        foreach (var flag in ExplainerCatalog.IgnoredFlags(method, settings))
        {
            Console.Error.WriteLine($"warning: {flag} does not apply to {method}; it is ignored.");
        }
        ExplainerCatalog.RequireReachableRelus(method, architecture, "--method");
        // The architecture's CAM layer stands in for an absent --layer (after the ignored-flag check: it was not given).
        settings = settings with
        {
            Layer = settings.Layer ?? architecture.CamLayer,
            VisualizedClasses = ExplainerCatalog.ExplainsInputs(method) ? null : VisualizedClasses(target, classCount),
        };
        InputPaths.RequireFile("--weights", weights);
        if (ExplainerCatalog.ExplainsInputs(method))
        {
            source.Check();
        }
        var classNames = ClassNamesFile.Resolve(classesFile, architecture, classCount, () => source.ClassNames);
        OutputFolder.Prepare("--out", output);
        var png = Path.Combine(output, $"{method}.png");
        var tensors = Path.Combine(output, $"{method}.safetensors");
        OutputFolder.Targets("--out", [png, tensors]);
        using var model = architecture.Factory(classCount);
        WeightsOption.Load(model, weights, architecture.Name, classCount);
        CheckLayer(model, settings.Layer);
        model.to(device);
        model.eval();
        using var scope = NewDisposeScope();
        using var explanation = ExplainerCatalog.ExplainsInputs(method)
            ? ExplainImages(method, model, settings, source, target, device, metricSteps, classNames, out var metrics, out var labels)
            : VisualizeClasses(model, settings, source, metricSteps, classNames, out metrics, out labels);
        var figure = architecture.FigureOptions(source.Images.Length > 0 ? source.Photos.Preprocessing(architecture.InputShape) : null);
        OutputFolder.Publish("--out", [(tensors, path => explanation.SaveTensors(path, metrics, classNames)), (png, path => explanation.SaveFigure(path, labels, options: figure))]);
        if (ExplainerCatalog.ExplainsInputs(method))
        {
            Console.WriteLine($"images: {source.Describe()}");
        }
        var targetNames = explanation.Targets.Select(c => classNames is null ? c.ToString(CultureInfo.InvariantCulture) : $"{c} {classNames[(int)c]}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{explanation.Method}: {explanation.Targets.Length} {(ExplainerCatalog.ExplainsInputs(method) ? "images" : "classes")}, targets [{string.Join(", ", targetNames)}], {explanation.Elapsed.TotalMilliseconds:F0} ms"));
        if (metrics is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"deletion AUC {metrics["deletion_auc"].mean().item<float>():F4} (lower is more faithful), insertion AUC {metrics["insertion_auc"].mean().item<float>():F4} (higher is), {metricSteps} steps"));
        }
        Console.WriteLine($"wrote {png}");
        Console.WriteLine($"wrote {tensors}");
        // The figure is bounded (RenderOptions.FigureTiles); the tensors are not.
        var pictures = explanation.Targets.Length;
        if (figure.FigureTilesOf(pictures) is var shown && shown < pictures)
        {
            Console.WriteLine($"figure: {shown} of {pictures} images shown; all are in {tensors}");
        }
        return 0;
    }

    private static Explanation ExplainImages(string method, nn.Module<Tensor, Tensor> model, ExplainerSettings settings, ExplainInputs source, string target,
        Device device, int? metricSteps, IReadOnlyList<string>? classNames, out Dictionary<string, Tensor>? metrics, out IReadOnlyList<TileLabel> tileLabels)
    {
        var (images, labels) = source.Load(device);
        var explanation = ExplainerCatalog.CreateExplainer(method, model, settings).Explain(images, ParseTarget(target, labels));
        tileLabels = TileLabels.ForInputs(model, images, explanation.Targets, labels, classNames);
        metrics = null;
        if (metricSteps is { } steps && explanation is Attribution)
        {
            // The monitor the training callback logs from, on this one explanation: its per-image AUCs.
            var scores = new ExplanationMonitor(steps, settings.InternalBatchSizeOrDefault).Measure(model, images, [explanation]).Faithfulness[explanation.Method];
            metrics = new() { ["deletion_auc"] = tensor(scores.Deletion.ToArray()), ["insertion_auc"] = tensor(scores.Insertion.ToArray()) };
        }
        else if (metricSteps is not null)
        {
            Console.Error.WriteLine($"note: --metrics does not apply to {method}, which has no per-pixel map; no AUCs measured.");
        }
        return explanation;
    }

    /// <summary>Activation maximization needs no inputs: any input flag given is said to be ignored rather than read.</summary>
    private static Explanation VisualizeClasses(nn.Module<Tensor, Tensor> model, ExplainerSettings settings, ExplainInputs source, int? metricSteps,
        IReadOnlyList<string>? classNames, out Dictionary<string, Tensor>? metrics, out IReadOnlyList<TileLabel> labels)
    {
        if (source.IsGiven)
        {
            Console.Error.WriteLine($"note: {ExplainerCatalog.ClassVisualization} synthesizes one image per class and reads no inputs; the input flags are ignored.");
        }
        if (metricSteps is not null)
        {
            Console.Error.WriteLine($"note: --metrics does not apply to {ExplainerCatalog.ClassVisualization}, which explains classes, not inputs.");
        }
        metrics = null;
        var pictures = ExplainerCatalog.CreateClassVisualizer(model, settings).Visualize();
        labels = TileLabels.ForClassImages(pictures, classNames);
        return pictures;
    }

    /// <summary>
    /// The classes activation maximization draws: the --target class when it is an index, else every class of a model
    /// with at most ten (one synthesized image each); a 1000-class model needs a class named.
    /// </summary>
    private static long[] VisualizedClasses(string target, int classCount)
    {
        if (long.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return index < classCount ? [index] : throw new ArgumentException($"--target {index}: the model has classes 0 to {classCount - 1}.");
        }
        return classCount <= ExplainerCatalog.MaxVisualizedClasses ? ExplainerCatalog.FirstClasses(classCount)
            : throw new ArgumentException($"--method {ExplainerCatalog.ClassVisualization} on a model with {classCount} classes draws one class: give --target with a class index (0 to {classCount - 1}).");
    }

    private static int MetricSteps(int steps) =>
        steps > 0 ? steps : throw new ArgumentException($"--metric-steps must be positive, got {steps}.");

    /// <summary>A --layer the model lacks is named with the flag and the layers it has, before any pass runs.</summary>
    private static void CheckLayer(nn.Module model, string? layer)
    {
        if (layer is not null && !model.named_modules().Any(m => m.name == layer))
        {
            var available = model.named_modules().Where(m => m.name.Length > 0).Select(m => $"{m.name} ({m.module.GetType().Name})");
            throw new ArgumentException($"--layer {layer}: the model has no such layer; it has {string.Join(", ", available)}.");
        }
    }

    private static Targets ParseTarget(string text, Tensor? labels) => text switch
    {
        "predicted" => Targets.Predicted,
        "label" => labels is null
            ? throw new ArgumentException("--target label needs labels: use --input with a 'labels' tensor, or --data with --indices.")
            : Targets.Labels(labels),
        _ when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) => Targets.Class(index),
        _ => throw new ArgumentException($"--target must be predicted, label or a class index, got '{text}'."),
    };

    private static IntegrationRule? ParseRule(string? text) => text switch
    {
        null => null,
        "riemann_left" => IntegrationRule.RiemannLeft,
        "riemann_right" => IntegrationRule.RiemannRight,
        "riemann_middle" => IntegrationRule.RiemannMiddle,
        "riemann_trapezoid" => IntegrationRule.RiemannTrapezoid,
        "gauss_legendre" => IntegrationRule.GaussLegendre,
        _ => throw new ArgumentException($"--rule must be riemann_left, riemann_right, riemann_middle, riemann_trapezoid or gauss_legendre, got '{text}'."),
    };

    private static ScoreKind? ParseScore(string? text) => text switch
    {
        null => null,
        "logit" => ScoreKind.Logit,
        "probability" => ScoreKind.Probability,
        _ => throw new ArgumentException($"--score must be logit or probability, got '{text}'."),
    };
}
