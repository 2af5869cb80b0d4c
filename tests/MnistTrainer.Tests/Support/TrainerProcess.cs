using System.Diagnostics;

namespace MnistTrainer.Tests.Support;

/// <summary>The built example running as a child process, so a test can send it signals as a terminal or a supervisor would.</summary>
internal sealed class TrainerProcess : IDisposable
{
    private readonly Process process;
    private readonly List<string> output = [];
    private readonly System.Text.StringBuilder error = new();

    private TrainerProcess(Process process) => this.process = process;

    /// <summary>Starts <c>MnistTrainer</c> (the apphost built beside the tests) with <paramref name="args"/>, capturing both streams.</summary>
    public static TrainerProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts <c>MnistTrainer</c> with <paramref name="args"/> and these environment variables set.</summary>
    public static TrainerProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "MnistTrainer"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("MnistTrainer did not start.");
        var started = new TrainerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (started.output)
                {
                    started.output.Add(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (started.error)
            {
                started.error.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>What the process printed on standard error so far.</summary>
    public string Error
    {
        get
        {
            lock (error)
            {
                return error.ToString();
            }
        }
    }

    /// <summary>The process's id.</summary>
    public int Id => process.Id;

    /// <summary>The lines of standard output so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (output)
            {
                return [.. output];
            }
        }
    }

    /// <summary>Waits until a line of standard output satisfies <paramref name="match"/>; fails if the process ends first or time runs out.</summary>
    public void WaitForLine(Func<string, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            lock (output)
            {
                if (output.Any(match))
                {
                    return;
                }
            }
            Assert.False(process.HasExited, $"MnistTrainer exited with {(process.HasExited ? process.ExitCode : 0)} before the expected line: {Error}");
            Thread.Sleep(20);
        }
        Assert.Fail($"no such line within {timeout}: {string.Join('\n', output)}");
    }

    /// <summary>Sends <paramref name="signal"/> (INT, TERM) with <c>kill</c>.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The exit code, once the process ends within <paramref name="timeout"/>.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        Assert.True(process.WaitForExit(timeout), $"MnistTrainer still running after {timeout}");
        process.WaitForExit();   // the stream readers drain
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }
        process.Dispose();
    }
}
