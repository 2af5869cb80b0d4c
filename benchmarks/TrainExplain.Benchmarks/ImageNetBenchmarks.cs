using MnistTrainer;
using TrainExplain.Data;
using TrainExplain.Explainers;
using TrainExplain.Numerics;

namespace TrainExplain.Benchmarks;

/// <summary>
/// torchvision's ResNet-18 and ResNet-50 (TorchSharp's TorchVision package, 1000 classes, random initialization) on
/// [N, 3, 224, 224] batches of N = 4 and 16: each method the command line offers, at step and sample counts that keep the
/// suite to minutes on two cores, one SGD training step, and one forward+backward of the batch (the floor every one-pass
/// method stands on). The weights are saved as safetensors for the PyTorch peer, which loads them into torchvision's
/// own ResNets, so both sides run the same network on the same shapes.
/// </summary>
internal static class ImageNetBenchmarks
{
    /// <summary>The internal batch size of every method here on both sides: it bounds the memory of the multi-pass methods at 224 px.</summary>
    internal const int InternalBatch = 32;

    /// <summary>
    /// Each method, whether it runs on every architecture and batch (the core rows) or on ResNet-18 at batch 4 only,
    /// and its settings: small counts (the cost is linear in them), named in the row's notes.
    /// </summary>
    private static readonly (string Name, bool Core, ExplainerSettings Settings)[] Methods =
    [
        ("vanilla", true, new()),
        ("gradinput", false, new()),
        ("gradcam", true, new()),
        ("gradcampp", false, new()),
        ("layercam", false, new()),
        ("activations", false, new()),
        ("guidedbackprop", false, new()),
        ("guided_gradcam", false, new()),
        ("fullgrad", false, new()),
        ("ig", false, new(Steps: 8)),
        ("smoothgrad", false, new(Samples: 4)),
        ("occlusion", false, new(Patch: 112, Stride: 112)),
        ("scorecam", false, new(MaxChannels: 8)),
    ];

    /// <summary>The rows' name: <c>imagenet/&lt;arch&gt;_b&lt;N&gt;/&lt;what&gt;</c>, shared with the PyTorch peer.</summary>
    internal static string RowName(string architecture, int batch, string what) => $"imagenet/{architecture}_b{batch}/{what}";

    internal static IReadOnlyList<BenchmarkRow> Run(string weightsDirectory, bool quick)
    {
        var rows = new List<BenchmarkRow>();
        foreach (var architecture in (string[])["resnet18", "resnet50"])
        {
            manual_seed(0);
            using var model = Create(architecture);
            ModelWeights.Save(model, Path.Combine(weightsDirectory, $"{architecture}.safetensors"));
            foreach (var batch in (int[])[4, 16])
            {
                // Every method on ResNet-18 at batch 4; elsewhere the core rows only: on two cores shared with parallel
                // builds the whole set at four sizes took over half an hour a side.
                var coreOnly = architecture != "resnet18" || batch != 4;
                foreach (var row in RunBatch(architecture, model, batch, coreOnly, quick))
                {
                    // Progress on standard error, row by row: the suite takes many minutes on a loaded machine.
                    Console.Error.WriteLine($"{row.Name}: {row.Value:F0} ms");
                    rows.Add(row);
                }
            }
        }
        return rows;
    }

    /// <summary>A torchvision architecture by name, with its parameters trainable.</summary>
    internal static nn.Module<Tensor, Tensor> Create(string architecture) => architecture switch
    {
        "resnet18" => torchvision.models.resnet18(),
        "resnet50" => torchvision.models.resnet50(),
        _ => throw new ArgumentException($"Unknown architecture '{architecture}': expected resnet18 or resnet50.", nameof(architecture)),
    };

    private static IEnumerable<BenchmarkRow> RunBatch(string architecture, nn.Module<Tensor, Tensor> model, int batch, bool coreOnly, bool quick)
    {
        manual_seed(1);
        using var images = rand([batch, 3, 224, 224]);
        // Fixed labels, as the peer uses: no prediction pass on either side.
        using var labels = arange(batch, ScalarType.Int64).mul(37).remainder(1000);
        var targets = Targets.Labels(labels);
        model.eval();
        foreach (var row in ForwardBackward(architecture, model, images, labels, batch, quick))
        {
            yield return row;
        }
        foreach (var (name, core, settings) in Methods)
        {
            if (coreOnly && !core)
            {
                continue;
            }
            var explainer = ExplainerCatalog.CreateExplainer(name, model, settings with { InternalBatchSize = InternalBatch });
            // Median of 3 for the one-pass methods (default settings), 2 for the multi-pass ones (counts set); quick runs
            // time one call, and skip the multi-pass methods' warm-up, which the one-pass methods' calls already did.
            var multiPass = settings != new ExplainerSettings();
            var passes = 0;
            var (median, best) = Measure.Milliseconds(() =>
            {
                using var explanation = explainer.Explain(images, targets);
                passes = explanation.Passes;
            }, repeats: quick ? 1 : multiPass ? 2 : 3, warmup: quick && multiPass ? 0 : 1);
            yield return new BenchmarkRow("imagenet", RowName(architecture, batch, name), median, "ms",
                $"{Describe(name, settings)}; best {best:F0} ms; {passes} passes/image");
        }
        if (batch == 4)
        {
            yield return TrainStep(architecture, model, images, labels, quick);
        }
    }

    private static string Describe(string name, ExplainerSettings settings) => name switch
    {
        "ig" => $"{settings.Steps} Gauss-Legendre points",
        "smoothgrad" => $"{settings.Samples} samples",
        "occlusion" => $"patch {settings.Patch}, stride {settings.Stride} (4 windows)",
        "scorecam" => $"{settings.MaxChannels} channels of largest mean activation",
        _ => "defaults",
    } + $", internal batch {InternalBatch}";

    /// <summary>
    /// One forward and backward of the batch to its input through the sum of the target logits, the one-pass methods'
    /// floor: as libtorch runs it by default (the PyTorch peer's row), and as the explainers' backward passes run it,
    /// with oneDNN off where the numerics guard found oneDNN's convolution gradients wrong on this CPU.
    /// </summary>
    private static IEnumerable<BenchmarkRow> ForwardBackward(string architecture, nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, int batch, bool quick)
    {
        var remedy = NumericsGuard.EnsureChecked().Remedy == NumericsRemedy.OneDnnOffForBackward;
        // oneDNN on only for ResNet-18: after ResNet-18's rows, a run with it on for ResNet-50 died of SIGFPE in oneDNN's
        // brgemm_convolution_bwd_utils::brg_blocking_t::est_eff_1x1 (the backward of 1x1 convolutions) on this CPU.
        foreach (var guarded in architecture == "resnet18" ? (bool[])[false, true] : [true])
        {
            var (median, best) = Measure.Milliseconds(() =>
            {
                using var scope = NewDisposeScope();
                var x = images.detach().requires_grad_();
                var scores = model.call(x).gather(1, labels.unsqueeze(1));
                using var backward = guarded && remedy ? NumericsGuard.WithoutOneDnn() : null;
                autograd.grad([scores.sum()], [x]);
            }, repeats: quick ? 1 : 3);
            yield return guarded
                ? new BenchmarkRow("imagenet", RowName(architecture, batch, "fwd_bwd_guarded"), median, "ms",
                    $"the same with the explainers' backward ({(remedy ? "oneDNN off: the guard found its gradients wrong here" : "oneDNN on: the guard found it right here")}); best {best:F0} ms")
                : new BenchmarkRow("imagenet", RowName(architecture, batch, "fwd_bwd"), median, "ms",
                    $"plain autograd.grad to the input, oneDNN on as libtorch defaults; best {best:F0} ms");
        }
    }

    /// <summary>
    /// One SGD step (forward, cross-entropy, backward, update) in training mode, its backward with the guard's remedy as
    /// Trainer.Fit runs it; at batch 4 only, to keep the suite short (two runs that also stepped at batch 16 died of
    /// SIGFPE in oneDNN right after it, see ForwardBackward).
    /// </summary>
    private static BenchmarkRow TrainStep(string architecture, nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, bool quick)
    {
        const int batch = 4;
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.01, momentum: 0.9);
        using var loss = nn.CrossEntropyLoss();
        model.train();
        var (median, best) = Measure.Milliseconds(() =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var value = loss.call(model.call(images), labels);
            using (NumericsGuard.EnsureChecked().Remedy == NumericsRemedy.OneDnnOffForBackward ? NumericsGuard.WithoutOneDnn() : null)
            {
                value.backward();
            }
            optimizer.step();
        }, repeats: quick ? 1 : 3);
        model.eval();
        return new BenchmarkRow("imagenet", RowName(architecture, batch, "train_step"), median, "ms",
            $"SGD (lr 0.01, momentum 0.9) forward+backward+step, training mode, backward as Trainer.Fit runs it; best {best:F0} ms");
    }
}
