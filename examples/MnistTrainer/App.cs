using System.CommandLine;

namespace MnistTrainer;

/// <summary>The example's command line: <c>train</c> and <c>explain</c>.</summary>
internal static class App
{
    internal static RootCommand CreateRoot() =>
        new("TrainExplain example: train a ConvNet on MNIST-format data and see why it decides what it decides.")
        {
            TrainCommand.Create(),
            ExplainCommand.Create(),
        };
}
