using System.CommandLine;
using System.Globalization;
using MnistTrainer.Models;
using TorchSharp;
using TrainExplain.Data;
using TrainExplain.Explainers;
using TrainExplain.Imaging;
using TrainExplain.Metrics;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>The <c>explain</c> command: explains a saved model's decisions on given images with one method.</summary>
internal static class ExplainCommand
{
    /// <summary>The image side from which figures show tiles at their own size: four times 28 px, the enlarged MNIST tile.</summary>
    private const int LegibleSide = 112;

    internal static Command Create()
    {
        var weights = new Option<string>("--weights") { HelpName = "file", Description = "The model's weights: .safetensors (as train --save writes) or PyTorch's torch.save(model.state_dict()) .pt.", Required = true };
        var arch = new Option<string>("--arch") { HelpName = "name", Description = $"Model architecture: {string.Join(" or ", Architectures.Names)}.", DefaultValueFactory = _ => "simple" };
        arch.AcceptOnlyFromAmong([.. Architectures.Names]);
        var method = new Option<string>("--method") { HelpName = "name", Description = $"One of {string.Join(", ", ExplainerCatalog.Names)}.", Required = true };
        method.AcceptOnlyFromAmong([.. ExplainerCatalog.Names]);
        var target = new Option<string>("--target") { HelpName = "class", Description = "predicted, label, or a class index.", DefaultValueFactory = _ => "predicted" };
        var input = new Option<string?>("--input") { HelpName = "file", Description = "safetensors with 'images' [N,1,28,28] float32 and optional 'labels' int64 [N]." };
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
        var layer = new Option<string?>("--layer") { HelpName = "name", Description = "gradcam, gradcampp, layercam, scorecam, guided_gradcam, activations: layer by dotted module name (default: the last Conv2d)." };
        var maxChannels = (new Option<int?>("--max-channels") { HelpName = "n", Description = "scorecam: score only each image's n channels of largest mean activation, n forward passes per image (default: every channel, K passes)." }).WholeNumber();
        var patch = (new Option<int?>("--patch") { HelpName = "pixels", Description = "occlusion: window side (default round(H/7), 4 for 28x28)." }).WholeNumber();
        var stride = (new Option<int?>("--stride") { HelpName = "pixels", Description = "occlusion: stride (default patch/2)." }).WholeNumber();
        var score = new Option<string?>("--score") { HelpName = "kind", Description = "logit or probability (default logit; probability for occlusion, scorecam and actmax); not for activations." };
        var internalBatch = (new Option<int?>("--internal-batch-size") { HelpName = "n", Description = $"Most images per forward/backward pass (default {ModelMethod.DefaultInternalBatchSize})." }).WholeNumber();
        var seed = (new Option<int?>("--seed") { HelpName = "n", Description = "smoothgrad, smoothgrad_sq, vargrad, actmax: seed of the noise (default 0)." }).WholeNumber();
        var metrics = new Option<bool>("--metrics") { Description = "Also measure deletion and insertion AUC (saved as deletion_auc, insertion_auc [N]; means printed)." };
        var metricSteps = (new Option<int>("--metric-steps") { HelpName = "n", Description = "Steps S of the deletion and insertion curves.", DefaultValueFactory = _ => 16 }).WholeNumber();

        var command = new Command("explain", "Explain a saved model's decisions on some images.")
        {
            weights, arch, method, target, input, data, indices, images, resize, crop, mean, std, output, device, steps, rule, baseline, samples, noise, layer, maxChannels, patch, stride,
            score, internalBatch, seed, metrics, metricSteps,
        };
        command.SetAction(result =>
        {
            var settings = new ExplainerSettings(result.GetValue(steps), ParseRule(result.GetValue(rule)), result.GetValue(baseline),
                result.GetValue(samples), result.GetValue(noise), result.GetValue(layer), result.GetValue(patch), result.GetValue(stride),
                ParseScore(result.GetValue(score)), result.GetValue(internalBatch), result.GetValue(seed), MaxChannels: result.GetValue(maxChannels));
            var photos = new PhotoOptions(result.GetValue(resize), result.GetValue(crop), result.GetValue(mean), result.GetValue(std));
            var source = new ExplainInputs(result.GetValue(input), result.GetValue(data), result.GetValue(indices), result.GetValue(images) ?? [], photos);
            var metricOptions = result.GetValue(metrics) ? MetricSteps(result.GetValue(metricSteps)) : (int?)null;
            return Run(result.GetValue(weights)!, result.GetValue(arch)!, result.GetValue(method)!, result.GetValue(target)!, source,
                result.GetValue(output)!, DeviceOption.Resolve(result.GetValue(device)!), settings, metricOptions);
        });
        return command;
    }

    /// <summary>
    /// Checks every flag, input path and the output folder first, then loads, explains, and publishes the pair of files:
    /// the tensors and the labeled figure that training writes (caption, tiles with their labels, color bar).
    /// </summary>
    private static int Run(string weights, string arch, string method, string target, ExplainInputs source, string output, Device device,
        ExplainerSettings settings, int? metricSteps)
    {
        settings.Validate(method);
        foreach (var flag in ExplainerCatalog.IgnoredFlags(method, settings))
        {
            Console.Error.WriteLine($"warning: {flag} does not apply to {method}; it is ignored.");
        }
        InputPaths.RequireFile("--weights", weights);
        if (ExplainerCatalog.ExplainsInputs(method))
        {
            source.Check();
        }
        OutputFolder.Prepare("--out", output);
        var png = Path.Combine(output, $"{method}.png");
        var tensors = Path.Combine(output, $"{method}.safetensors");
        OutputFolder.Targets("--out", [png, tensors]);
        using var model = Architectures.Create(arch);
        LoadWeights(model, weights, arch);
        CheckLayer(model, settings.Layer);
        model.to(device);
        model.eval();
        using var scope = NewDisposeScope();
        using var explanation = ExplainerCatalog.ExplainsInputs(method)
            ? ExplainImages(method, model, settings, source, target, device, metricSteps, out var metrics, out var labels)
            : VisualizeClasses(model, settings, source, metricSteps, out metrics, out labels);
        var figure = FigureOptions(source);
        OutputFolder.Publish("--out", [(tensors, path => explanation.SaveTensors(path, metrics)), (png, path => explanation.SaveFigure(path, labels, options: figure))]);
        if (ExplainerCatalog.ExplainsInputs(method))
        {
            Console.WriteLine($"images: {source.Describe()}");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{explanation.Method}: {explanation.Targets.Length} {(ExplainerCatalog.ExplainsInputs(method) ? "images" : "classes")}, targets [{string.Join(", ", explanation.Targets)}], {explanation.Elapsed.TotalMilliseconds:F0} ms"));
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
        Device device, int? metricSteps, out Dictionary<string, Tensor>? metrics, out IReadOnlyList<TileLabel> tileLabels)
    {
        var (images, labels) = source.Load(device);
        var explanation = ExplainerCatalog.CreateExplainer(method, model, settings).Explain(images, ParseTarget(target, labels));
        tileLabels = TileLabels.ForInputs(model, images, explanation.Targets, labels, source.ClassNames);
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
        out Dictionary<string, Tensor>? metrics, out IReadOnlyList<TileLabel> labels)
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
        labels = TileLabels.ForClassImages(pictures, source.ClassNames);
        return pictures;
    }

    /// <summary>
    /// How the figure draws: photos (--images) de-normalized by their preprocessing, so the heatmaps lie over the picture
    /// the model saw; and images of 112 px or more at their own size (no enlargement), so 224-px tiles stay legible
    /// without making a figure thousands of pixels wide.
    /// </summary>
    private static RenderOptions FigureOptions(ExplainInputs source) => new()
    {
        InputPreprocessing = source.Images.Length > 0 ? source.Photos.Preprocessing(ExplainInputs.ModelImageShape) : null,
        Upscale = ExplainInputs.ModelImageShape[1] >= LegibleSide ? 1 : new RenderOptions().Upscale,
    };

    private static int MetricSteps(int steps) =>
        steps > 0 ? steps : throw new ArgumentException($"--metric-steps must be positive, got {steps}.");

    /// <summary>
    /// Loads .safetensors or PyTorch .pt weights; a file that does not fit names the parameter and the other architectures,
    /// an unreadable one says it was --weights. Weights with NaN or infinite values are refused: every score, and so every
    /// map and picture, would be NaN, which is better said here than discovered in the outputs.
    /// </summary>
    private static void LoadWeights(nn.Module model, string path, string arch)
    {
        try
        {
            ModelWeights.Load(model, path);
        }
        catch (WeightsMismatchException e)
        {
            var others = string.Join(" or ", Architectures.Names.Where(name => name != arch).Select(name => $"--arch {name}"));
            throw new InvalidDataException($"--weights {path}: {e.Message} (with --arch {arch}); the file may be for {others}.", e);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
        {
            // The library's message begins with the file; the flag's prefix names it already.
            var reason = e.Message.StartsWith($"{path}: ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message;
            throw new InvalidDataException($"--weights {path}: {reason}", e);
        }
        using var scope = NewDisposeScope();
        var nonFinite = model.named_parameters()
            .Select(p => (p.name, Count: p.parameter.isfinite().logical_not().sum().item<long>()))
            .Where(p => p.Count > 0)
            .Select(p => $"{p.name} ({p.Count})")
            .ToList();
        if (nonFinite.Count > 0)
        {
            throw new InvalidDataException(
                $"--weights {path} holds NaN or infinite values in {string.Join(", ", nonFinite)}, so every explanation would be NaN; the run that saved them probably diverged (try a lower --lr).");
        }
    }

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
