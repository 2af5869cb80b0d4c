using System.Reflection;
using System.Runtime.InteropServices;

namespace TrainExplain.Torch.Native;

/// <summary>
/// Finds libTrainExplainNative.so beside the assemblies with a clear message when it or libtorch is missing, and
/// gives libtorch as many intra-op threads as there are cores: Debian's build starts with one.
/// </summary>
internal static class NativeLoader
{
    private const string LibraryName = "TrainExplainNative";

    /// <summary>Installs the resolver; called once, by the static constructor of <see cref="NativeMethods"/>.</summary>
    internal static void Register() => NativeLibrary.SetDllImportResolver(typeof(NativeLoader).Assembly, Resolve);

    /// <summary>Applies the default thread count once, unless OMP_NUM_THREADS chooses it.</summary>
    internal static void ConfigureThreads()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_NUM_THREADS")))
        {
            NativeError.Check(NativeMethods.te_set_num_threads(Environment.ProcessorCount));
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != LibraryName)
        {
            return 0;
        }
        var file = $"lib{LibraryName}.so";
        var candidates = new[] { AppContext.BaseDirectory, Path.GetDirectoryName(assembly.Location) ?? "" };
        string? failure = null;
        foreach (var directory in candidates.Where(d => d.Length > 0).Distinct())
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path))
            {
                continue;
            }
            if (NativeLibrary.TryLoad(path, out var handle))
            {
                return handle;
            }
            failure = $"{path} exists but could not be loaded; its libtorch dependency is probably missing ({LoadError(path)})";
        }
        throw new DllNotFoundException(
            (failure ?? $"{file} was not found next to the assemblies ({string.Join(", ", candidates)})") +
            ". Run scripts/setup.sh to install Debian's libtorch-dev, then rebuild with dotnet build.");
    }

    private static string LoadError(string path)
    {
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(path));
            return "no details";
        }
        catch (DllNotFoundException e)
        {
            return e.Message;
        }
    }
}
