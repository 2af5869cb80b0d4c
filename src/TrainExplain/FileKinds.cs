using System.Runtime.InteropServices;

namespace TrainExplain;

/// <summary>
/// Tells regular files from folders, devices, FIFOs and sockets, which .NET's <see cref="File"/> and
/// <see cref="FileInfo"/> do not: <c>File.Exists("/dev/null")</c> is true, and opening a FIFO blocks until a peer opens
/// its other end. The library reads and writes regular files only and asks here first.
/// </summary>
public static partial class FileKinds
{
    // POSIX's file type bits of st_mode (the runtime's status call reports them as POSIX defines them).
    private const int TypeMask = 0xF000;
    private const int FifoBits = 0x1000;
    private const int CharacterDeviceBits = 0x2000;
    private const int DirectoryBits = 0x4000;
    private const int BlockDeviceBits = 0x6000;
    private const int RegularBits = 0x8000;
    private const int SocketBits = 0xC000;

    /// <summary>
    /// What <paramref name="path"/> names, following symbolic links (a link to a FIFO is a FIFO; a dangling link is
    /// <see cref="FileKind.Missing"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public static FileKind Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            return FileKind.Directory;
        }
        if (!File.Exists(path))
        {
            return FileKind.Missing;
        }
        if (OperatingSystem.IsWindows())
        {
            return FileKind.Regular;
        }
        return ModeOf(path) switch
        {
            null => FileKind.Missing,
            var mode => (mode & TypeMask) switch
            {
                RegularBits => FileKind.Regular,
                DirectoryBits => FileKind.Directory,
                CharacterDeviceBits => FileKind.CharacterDevice,
                BlockDeviceBits => FileKind.BlockDevice,
                FifoBits => FileKind.Fifo,
                SocketBits => FileKind.Socket,
                _ => FileKind.Regular,
            },
        };
    }

    /// <summary>The kind in plain words with its article: "a FIFO (named pipe)", "a folder".</summary>
    public static string Describe(this FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.Socket => "a socket",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a file kind."),
    };

    /// <summary>st_mode of the path, links followed, from the .NET runtime's own native status call; null when it cannot be read.</summary>
    private static int? ModeOf(string path)
    {
        // The runtime's FileStatus struct begins with Flags and Mode (int32 each); the buffer is larger than the whole struct.
        Span<byte> status = stackalloc byte[512];
        try
        {
            return Stat(path, ref MemoryMarshal.GetReference(status)) == 0 ? BitConverter.ToInt32(status[4..8]) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A runtime without its native library as a file (NativeAOT links it in): assume a regular file, as .NET does.
            return RegularBits;
        }
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref byte status);
}
