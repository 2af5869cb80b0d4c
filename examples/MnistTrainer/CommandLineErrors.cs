using System.CommandLine;
using System.Runtime.InteropServices;
using TrainExplain.Numerics;

namespace MnistTrainer;

/// <summary>Runs a command line so that user errors print one line and a non-zero exit code, never a stack trace.</summary>
internal static class CommandLineErrors
{
    /// <summary>Exit code of a usage or input error.</summary>
    internal const int UsageError = 2;

    /// <summary>Where libtorch's message ends and its backtrace begins.</summary>
    private const string LibTorchBacktrace = "Exception raised from ";

    internal static int Run(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine($"error: {OneLine(error.Message)}");
            }
            Console.Error.WriteLine(UsageHint(root, parsed.CommandResult.Command));
            return UsageError;
        }
        // libtorch's own errors (a bad shape deep in a forward pass, say) arrive as ExternalException.
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or ExternalException
            or UnauthorizedAccessException or NotSupportedException or InvalidOperationException or KeyNotFoundException or NumericsException)
        {
            Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return UsageError;
        }
    }

    /// <summary>One line after parse errors: the command's usage and where its options are listed.</summary>
    private static string UsageHint(RootCommand root, Command command)
    {
        var name = root.Name;
        return command == root
            ? $"usage: {name} <{string.Join('|', root.Subcommands.Select(c => c.Name))}> [options]; '{name} <command> --help' lists a command's options."
            : $"usage: {name} {command.Name} [options]; '{name} {command.Name} --help' lists them.";
    }

    /// <summary>The message on one line, without the C++ backtrace that libtorch appends to its own errors.</summary>
    internal static string OneLine(string message)
    {
        var backtrace = message.IndexOf(LibTorchBacktrace, StringComparison.Ordinal);
        var text = backtrace < 0 ? message : message[..backtrace];
        return string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
