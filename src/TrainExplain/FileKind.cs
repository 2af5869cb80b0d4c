namespace TrainExplain;

/// <summary>What a path names on the file system (see <see cref="FileKinds.Of"/>).</summary>
public enum FileKind
{
    /// <summary>Nothing: the path does not exist (or a symbolic link on it points nowhere).</summary>
    Missing,

    /// <summary>A regular file, the only kind the library reads or writes.</summary>
    Regular,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A character device such as <c>/dev/null</c> or <c>/dev/zero</c>.</summary>
    CharacterDevice,

    /// <summary>A block device such as a disk.</summary>
    BlockDevice,

    /// <summary>A FIFO (named pipe): reading it waits for a writer, writing it for a reader.</summary>
    Fifo,

    /// <summary>A Unix domain socket.</summary>
    Socket,
}
