using System.Diagnostics;

namespace TrainExplain.Testing;

/// <summary>
/// FIFOs, sockets and device nodes made in a test's own temporary folder, never the machine's /dev files: the paths that
/// must be refused as inputs and must never be replaced as outputs. Shared as source by the test projects.
/// </summary>
internal static class SpecialFiles
{
    /// <summary>A special file of the kind named "fifo", "device" (root only, else the test is skipped) or "socket" at <paramref name="path"/>.</summary>
    public static string Make(string kind, string path) => kind switch
    {
        "fifo" => Fifo(path),
        "device" => CharacterDevice(path),
        "socket" => Socket(path),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Expected fifo, device or socket."),
    };

    /// <summary>A FIFO (named pipe) at <paramref name="path"/>, made with mkfifo.</summary>
    public static string Fifo(string path)
    {
        Run("mkfifo", path);
        return path;
    }

    /// <summary>
    /// A private character device node at <paramref name="path"/> with the numbers of /dev/null (1, 3), made with mknod;
    /// skips the calling test, saying why, when not running as root (only root may make device nodes).
    /// </summary>
    public static string CharacterDevice(string path)
    {
        if (Environment.UserName != "root")
        {
            Assert.Skip($"making a device node needs root; running as {Environment.UserName}.");
        }
        Run("mknod", path, "c", "1", "3");
        return path;
    }

    /// <summary>
    /// A Unix domain socket file at <paramref name="path"/>, bound by Python, which leaves the file behind when it exits
    /// (.NET removes it when the bound socket is disposed).
    /// </summary>
    public static string Socket(string path)
    {
        Run(DebianPython.Path, "-c", "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", path);
        return path;
    }

    /// <summary>The type letter `stat` prints for the path, links not followed: 'p' FIFO, 'c' character device, 's' socket, '-' file, 'l' link.</summary>
    public static char TypeOf(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return 'l';
        }
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%A", path]) { RedirectStandardOutput = true })!;
        var mode = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        Assert.Equal(0, stat.ExitCode);
        return mode[0];
    }

    private static void Run(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)}: {error}");
    }
}
