using System.CommandLine;
using System.CommandLine.Help;

namespace MnistTrainer;

/// <summary>The example's command line: <c>train</c> and <c>explain</c>.</summary>
internal static class App
{
    /// <summary>Help is wrapped at this width, or the terminal's where narrower (System.CommandLine's default is the terminal's alone, unbounded when redirected).</summary>
    internal const int HelpWidth = 100;

    internal static RootCommand CreateRoot()
    {
        var root = new RootCommand("TrainExplain example: train a ConvNet on MNIST-format data and see why it decides what it decides.")
        {
            TrainCommand.Create(),
            ExplainCommand.Create(),
        };
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction action)
            {
                action.MaxWidth = Console.IsOutputRedirected || Console.WindowWidth <= 0 ? HelpWidth : Math.Min(Console.WindowWidth, HelpWidth);
            }
        }
        return root;
    }
}
