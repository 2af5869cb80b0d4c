using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TrainExplain;
using TrainExplain.Data;
using TrainExplain.TensorBoard;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>
/// Where one <c>train</c> run writes, checked before any work: <c>--logdir</c>, a run folder of its own (claimed with a
/// lock file, so two runs never mix their event files in one folder), and the folder of <c>--save</c>. The weights go to
/// the run folder first, so a failed <c>--save</c> loses nothing.
/// </summary>
internal sealed partial class RunOutputs : IDisposable
{
    /// <summary>Held for the whole run; its existence tells a second run of the same name that this one is under way.</summary>
    private const string LockName = ".train.lock";

    /// <summary>Suffixes tried after a default (time-stamped) run name that is taken: -2, -3, ...</summary>
    private const int MaxDefaultSuffix = 100;

    private readonly FileStream runLock;
    private readonly bool takenOver;

    private RunOutputs(string runDirectory, FileStream runLock, bool takenOver, string? savePath)
    {
        (RunDirectory, this.runLock, this.takenOver, SavePath) = (runDirectory, runLock, takenOver, savePath);
        ModelPath = Path.Combine(runDirectory, "model.safetensors");
    }

    /// <summary>The run's folder (full path), empty but for the lock when claimed.</summary>
    internal string RunDirectory { get; }

    /// <summary>The weights in the run folder, always written.</summary>
    internal string ModelPath { get; }

    /// <summary>The full path of <c>--save</c>, or null.</summary>
    internal string? SavePath { get; }

    /// <summary>
    /// Checks the output flags and claims the run folder <c>&lt;logdir&gt;/&lt;run name&gt;</c>. A given
    /// <paramref name="runName"/> that is taken is refused; the default name (the time) gets a suffix instead.
    /// </summary>
    /// <exception cref="ArgumentException">A flag names no usable folder or file, or the run folder is taken.</exception>
    internal static RunOutputs Claim(string logDir, string? runName, string? save)
    {
        if (string.IsNullOrWhiteSpace(logDir))
        {
            throw new ArgumentException("--logdir must name a folder, got an empty string.");
        }
        if (runName is not null)
        {
            CheckRunName(runName);
        }
        var savePath = save is null ? null : CheckSave(save);
        CreateFolder(logDir, "--logdir");
        if (runName is not null)
        {
            return TryClaim(Path.Combine(logDir, runName), "--run-name", savePath) ?? throw Taken(Path.Combine(logDir, runName), runName);
        }
        var stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        for (var suffix = 1; suffix <= MaxDefaultSuffix; suffix++)
        {
            if (TryClaim(Path.Combine(logDir, suffix == 1 ? stamp : $"{stamp}-{suffix}"), "--logdir", savePath) is { } claimed)
            {
                return claimed;
            }
        }
        throw new ArgumentException($"--logdir {logDir} already holds runs {stamp} to {stamp}-{MaxDefaultSuffix}; give a --run-name.");
    }

    /// <summary>
    /// Saves the weights into the run folder, then to <c>--save</c> if given. When <c>--save</c> cannot be written, the
    /// returned error says so and where the weights are.
    /// </summary>
    /// <returns>Null, or the message of a failed <c>--save</c>.</returns>
    internal string? SaveWeights(nn.Module model)
    {
        ModelWeights.Save(model, ModelPath);
        if (SavePath is null || SavePath == ModelPath)
        {
            return null;
        }
        try
        {
            ModelWeights.Save(model, SavePath);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The message may name the hidden temporary file beside the target: name the target instead.
            var reason = TemporaryFile().Replace(e.Message, Path.GetFileName(SavePath));
            return $"--save {SavePath}: the weights could not be written there ({reason}); they are saved in {ModelPath}.";
        }
    }

    /// <summary>Releases the run folder (and removes it if the run wrote nothing into it).</summary>
    public void Dispose()
    {
        if (takenOver)
        {
            // Opened without DeleteOnClose (see OpenLock): removed while still held, as a new lock removes itself.
            File.Delete(Path.Combine(RunDirectory, LockName));
        }
        runLock.Dispose();
        if (Directory.Exists(RunDirectory) && !Directory.EnumerateFileSystemEntries(RunDirectory).Any())
        {
            Directory.Delete(RunDirectory);
        }
    }

    private static void CheckRunName(string runName)
    {
        if (string.IsNullOrWhiteSpace(runName) || runName is "." or ".." || runName.IndexOfAny(['/', '\\']) >= 0
            || runName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"--run-name must be one folder name inside --logdir (not empty, '.' or '..', without '/'), got '{runName}'.");
        }
    }

    /// <summary>The full path of <c>--save</c> once its folder exists and takes new files.</summary>
    private static string CheckSave(string save)
    {
        if (string.IsNullOrWhiteSpace(save))
        {
            throw new ArgumentException("--save must name a weights file such as model.safetensors, got an empty string.");
        }
        var full = Path.GetFullPath(save);
        if (Directory.Exists(full) || Path.EndsInDirectorySeparator(save))
        {
            throw new ArgumentException($"--save {save} is a folder; give a file path such as {Path.Combine(save, "model.safetensors")}.");
        }
        var folder = Path.GetDirectoryName(full)!;
        CreateFolder(folder, "--save");
        try
        {
            // A device, FIFO or socket would be replaced by a plain file; a symbolic link's target is what gets replaced.
            folder = Path.GetDirectoryName(AtomicFile.ResolveTarget(save))!;
        }
        catch (IOException e)
        {
            throw new ArgumentException($"--save {e.Message}", e);
        }
        var probe = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.probe");
        try
        {
            using var _ = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--save {save}: cannot write files in {folder} ({Reason(e, probe, folder)}).", e);
        }
        return full;
    }

    /// <summary>Creates <paramref name="folder"/>; a refusal is blamed on <paramref name="flag"/>, a permission denied on <paramref name="deniedFlag"/> (the flag of the folder it is made in).</summary>
    private static void CreateFolder(string folder, string flag, string? deniedFlag = null)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ArgumentException($"{deniedFlag ?? flag}: cannot create the folder {folder}: permission denied (this user may not create folders in {Path.GetDirectoryName(folder)}).", e);
        }
        catch (IOException e)
        {
            throw new ArgumentException($"{flag}: cannot create the folder {folder} ({e.Message}).", e);
        }
    }

    /// <summary>
    /// Claims an empty (or new) folder with the lock file, which holds this process's id; null when another run has it
    /// or had it. A lock left by a killed run is no longer held (the system releases a dead process's locks): in an
    /// otherwise empty folder it is taken over, and said so. A folder that cannot be made or written is blamed on
    /// <paramref name="flag"/>: <c>--run-name</c> when it was given (its name may be too long, or a file's).
    /// </summary>
    private static RunOutputs? TryClaim(string runDirectory, string flag, string? savePath)
    {
        var full = Path.GetFullPath(runDirectory);
        CreateFolder(full, flag, "--logdir");
        var lockPath = Path.Combine(full, LockName);
        FileStream runLock;
        string? stale;
        try
        {
            // CreateNew is atomic: of two runs racing for one folder, one gets the lock and the other an IOException.
            var created = OpenLock(lockPath, FileMode.CreateNew);
            runLock = created ?? OpenLock(lockPath, FileMode.Open)!;
            stale = created is null ? StaleLockNote(runLock, lockPath) : null;
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{flag}: cannot write files in {full} ({Reason(e, lockPath, full)}).", e);
        }
        // Empty but for the lock: no run (TensorBoardWriter.HoldsRun, the library's rule, which its writer applies too), and
        // nothing else that the run's weights and images could overwrite.
        if (Directory.EnumerateFileSystemEntries(full).Any(entry => Path.GetFileName(entry) != LockName))
        {
            runLock.Dispose();
            return null;
        }
        runLock.SetLength(0);
        runLock.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
        runLock.Flush();
        if (stale is not null)
        {
            Console.Error.WriteLine($"note: {stale}; this run takes the empty folder {full} over.");
        }
        return new RunOutputs(full, runLock, stale is not null, savePath);
    }

    /// <summary>
    /// The lock file opened for this run alone; null when <see cref="FileMode.CreateNew"/> finds one. A new lock is deleted
    /// when closed, even by a crash of .NET; a stale one is kept when closed, since it stays the record of a killed run
    /// unless this run takes its folder over.
    /// </summary>
    private static FileStream? OpenLock(string path, FileMode mode)
    {
        try
        {
            return new FileStream(path, mode, FileAccess.ReadWrite, FileShare.None, 1, mode == FileMode.CreateNew ? FileOptions.DeleteOnClose : FileOptions.None);
        }
        catch (IOException) when (mode == FileMode.CreateNew && File.Exists(path))
        {
            return null;
        }
    }

    /// <summary>What a lock file that nobody holds says: the id of the process that left it, which is no longer running it.</summary>
    private static string StaleLockNote(Stream staleLock, string path)
    {
        var text = new StreamReader(staleLock, Encoding.ASCII, leaveOpen: true).ReadToEnd().Trim();
        var process = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? $"process {id}" : "a process";
        return $"the lock {path} is stale: {process}, which left it, was stopped before it could remove it (killed, say)";
    }

    private static ArgumentException Taken(string runDirectory, string runName)
    {
        var full = Path.GetFullPath(runDirectory);
        var lockPath = Path.Combine(full, LockName);
        string state;
        try
        {
            // Opened only to read, and kept: a run folder with a stale lock records a run that did not finish.
            using var stale = new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.None);
            state = $"holds a run that did not finish ({StaleLockNote(stale, lockPath)})";
        }
        catch (FileNotFoundException)
        {
            state = TensorBoardWriter.HoldsRun(full) ? "already holds a run" : "is not empty";
        }
        catch (IOException)
        {
            state = "is in use by another run";
        }
        return new ArgumentException($"--run-name {runName}: the folder {full} {state}; choose another --run-name, or remove the folder to start over.");
    }

    /// <summary>A file error's reason, naming <paramref name="folder"/> instead of the probe or lock file.</summary>
    private static string Reason(Exception e, string file, string folder) =>
        e is UnauthorizedAccessException ? "permission denied" : e.Message.Replace(file, folder, StringComparison.Ordinal);

    /// <summary>The hidden temporary file that <see cref="ModelWeights.Save"/> writes before renaming (<see cref="TrainExplain.AtomicFile.TemporaryPathBeside"/>).</summary>
    [GeneratedRegex(@"\.[^/\\]+\.[0-9a-f]{32}\.tmp")]
    private static partial Regex TemporaryFile();
}
