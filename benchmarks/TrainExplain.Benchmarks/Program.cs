using System.CommandLine;
using TrainExplain.Benchmarks;

if (args is [ImageNetMemory.ChildCommand, _, _, _])
{
    return ImageNetMemory.Child(args);
}

// Prints one table of TrainExplain's figures on TorchSharp (libtorch 2.10) beside PyTorch's (Debian's python3-torch 1.13),
// measured in the same run with the same thread count, and writes them as JSON.
var suite = new Option<string>("--suite") { Description = "binding, writer, explainers, training, all (these four), legibility (activation maximization on Fashion-MNIST), numerics (explainers and training with oneDNN on, guarded and off), imagenet (torchvision ResNet-18/50 at 224 px) or imagenet-memory (peak memory of IG-50 and SmoothGrad-50 on ResNet-50 at 224 px).", DefaultValueFactory = _ => "all" };
suite.AcceptOnlyFromAmong("binding", "writer", "explainers", "training", "all", "legibility", "numerics", "imagenet", "imagenet-memory");
var quick = new Option<bool>("--quick") { Description = "Smaller workloads and fewer repeats (about a minute)." };
var json = new Option<string>("--json") { Description = "Where to write the results.", DefaultValueFactory = _ => "artifacts/benchmarks.json" };
var noReference = new Option<bool>("--no-reference") { Description = "Skip the PyTorch reference." };
var model = new Option<string?>("--model") { Description = "legibility: the simple ConvNet's trained weights (default: train one epoch)." };
var data = new Option<string?>("--data") { Description = "legibility: the Fashion-MNIST folder (default as the example: $MNIST_DIR, ./data/mnist, Debian's)." };
var root = new RootCommand("TrainExplain benchmarks") { suite, quick, json, noReference, model, data };
root.SetAction(result => BenchmarkRunner.Run(result.GetValue(suite)!, result.GetValue(quick), result.GetValue(json)!, !result.GetValue(noReference),
    result.GetValue(model), result.GetValue(data)));
return root.Parse(args).Invoke();
