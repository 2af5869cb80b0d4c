using System.CommandLine;
using TrainExplain.Benchmarks;

if (args is [ImageNetMemory.ChildCommand, _, _, _])
{
    return ImageNetMemory.Child(args);
}

// Prints one table of TrainExplain's figures on TorchSharp (libtorch 2.10) beside PyTorch's (Debian's python3-torch 1.13),
// measured in the same run with the same thread count, and writes them as JSON.
var suite = new Option<string>("--suite") { Description = "binding, writer, explainers, training, all (these four), legibility (activation maximization on Fashion-MNIST), numerics (explainers and training with oneDNN on, guarded and off), imagenet (torchvision ResNet-18/50 at 224 px), imagenet-memory (peak memory of IG-50 and SmoothGrad-50 on ResNet-50 at 224 px) or agreement (every method on the CPU and on the --device GPU: their largest relative difference).", DefaultValueFactory = _ => "all" };
suite.AcceptOnlyFromAmong("binding", "writer", "explainers", "training", "all", "legibility", "numerics", "imagenet", "imagenet-memory", "agreement");
var quick = new Option<bool>("--quick") { Description = "Smaller workloads and fewer repeats (about a minute)." };
var json = new Option<string>("--json") { Description = "Where to write the results.", DefaultValueFactory = _ => "artifacts/benchmarks.json" };
var noReference = new Option<bool>("--no-reference") { Description = "Skip the PyTorch reference." };
var model = new Option<string?>("--model") { Description = "legibility, agreement: the simple ConvNet's trained weights (default: legibility trains one epoch, agreement takes the seeded initial weights)." };
var data = new Option<string?>("--data") { Description = "legibility, agreement: the Fashion-MNIST folder (default as the example: $MNIST_DIR, ./data/mnist, Debian's)." };
var device = new Option<string>("--device") { Description = "explainers, training, agreement: cpu or cuda[:N], where the model, the batches and the work are (default cpu; cuda runs without the PyTorch peer; agreement needs cuda).", DefaultValueFactory = _ => "cpu" };
var batch = new Option<int>("--batch") { Description = "explainers: images per explained batch.", DefaultValueFactory = _ => ExplainerBenchmarks.DefaultBatch };
var root = new RootCommand("TrainExplain benchmarks") { suite, quick, json, noReference, model, data, device, batch };
root.SetAction(result => BenchmarkRunner.Run(result.GetValue(suite)!, result.GetValue(quick), result.GetValue(json)!, !result.GetValue(noReference),
    result.GetValue(model), result.GetValue(data), result.GetValue(device)!, result.GetValue(batch)));
return root.Parse(args).Invoke();
