using System.CommandLine;
using TrainExplain.Torch;

namespace MnistTrainer;

/// <summary>Runs a command line so that user errors print one line and a non-zero exit code, never a stack trace.</summary>
internal static class CommandLineErrors
{
    /// <summary>Exit code of a usage or input error.</summary>
    internal const int UsageError = 2;

    internal static int Run(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine($"error: {OneLine(error.Message)}");
            }
            return UsageError;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or TorchException
            or UnauthorizedAccessException or NotSupportedException or InvalidOperationException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return UsageError;
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
