using TorchSharp.PyBridge;
using TrainExplain.Data.SafeTensors;

namespace TrainExplain.Data;

/// <summary>
/// Loads and saves a model's state dict with TorchSharp.PyBridge: <c>.safetensors</c>, and PyTorch's
/// <c>torch.save(model.state_dict(), path)</c> zip files (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>), by the same dotted names
/// as PyTorch. PyBridge validates little, so every file is checked first against the file's own length and the model's
/// state dict: a truncated, hostile or mismatched file ends in one <see cref="InvalidDataException"/> that names the
/// file (or a <see cref="WeightsMismatchException"/> naming the tensor when it reads well but does not fit), before any
/// weight of the model changes and before any allocation that the file's claims size. A PyTorch file's tensors are
/// copied in by <see cref="PyTorchStateDict"/>, by storage, offset and stride, so non-contiguous ones load too.
/// </summary>
public static class ModelWeights
{
    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="model"/>, strictly: every name and shape must match. The
    /// parameters stay the same objects (an optimizer made before still trains them) and keep their
    /// <c>requires_grad</c>: TorchSharp's <c>load_state_dict</c> copies it from the file's tensors, and PyTorch saves
    /// every state-dict tensor with <c>requires_grad</c> false, which would silently freeze the model.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable weights file.</exception>
    /// <exception cref="WeightsMismatchException">The file reads well but does not fit the model.</exception>
    public static void Load(nn.Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (FileKinds.Of(path) is var kind and not (FileKind.Regular or FileKind.Missing))
        {
            throw new InvalidDataException($"{path}: is {kind.Describe()}; expected a .safetensors or .pt weights file.");
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such weights file.", path);
        }
        using var scope = torch.NewDisposeScope();
        var expected = model.state_dict().ToDictionary(p => p.Key, p => (p.Value.dtype, p.Value.shape));
        var trainable = model.named_parameters().Select(p => (p.parameter, p.parameter.requires_grad)).ToList();
        try
        {
            LoadChecked(model, path, expected);
        }
        finally
        {
            foreach (var (parameter, requiresGrad) in trainable)
            {
                parameter.requires_grad_(requiresGrad);
            }
        }
    }

    private static void LoadChecked(nn.Module model, string path, Dictionary<string, (ScalarType Dtype, long[] Shape)> expected)
    {
        if (IsSafeTensors(path))
        {
            var header = Guard(path, () => SafeTensorsFile.ReadHeader(path));
            Match(path, expected, header.Tensors.ToDictionary(t => t.Name, t => (Dtype: (ScalarType?)null, Shape: t.Shape)));
            Guard(path, () => model.load_safetensors(path, strict: true));
        }
        else
        {
            using var file = Guard(path, () => PyTorchStateDict.Open(path));
            Match(path, expected, file.Records.ToDictionary(r => r.Key, r => ((ScalarType?)r.Value.Dtype, r.Value.Shape)));
            Guard(path, () => file.CopyInto(model));
        }
    }

    /// <summary>Saves the state dict of <paramref name="model"/> by extension (.safetensors, else PyTorch's zip format) through a temporary file.</summary>
    public static void Save(nn.Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, stream =>
        {
            if (IsSafeTensors(path))
            {
                model.save_safetensors(stream, leaveOpen: true);
            }
            else
            {
                model.save_py(stream, leaveOpen: true);
            }
        }, flushToDisk: true);
    }

    private static bool IsSafeTensors(string path) => path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    /// <summary>Every name and shape of the file against the model's state dict, as strict load_state_dict does, with the first difference named.</summary>
    private static void Match(string path, Dictionary<string, (ScalarType Dtype, long[] Shape)> model, Dictionary<string, (ScalarType? Dtype, long[] Shape)> file)
    {
        var missing = model.Keys.Where(k => !file.ContainsKey(k)).ToList();
        // A .pt file's names come from a hash table, in no fixed order: sort them so that the error is always the same.
        var unexpected = file.Keys.Where(k => !model.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new WeightsMismatchException(path, missing.Concat(unexpected).First(),
                $"the file does not fit the model: missing {Names(missing)}; unexpected {Names(unexpected)}");
        }
        foreach (var (name, (_, shape)) in model)
        {
            if (!file[name].Shape.SequenceEqual(shape))
            {
                throw new WeightsMismatchException(path, name,
                    $"'{name}' has shape {HostCopies.FormatShape(file[name].Shape)} in the file but {HostCopies.FormatShape(shape)} in the model");
            }
        }
    }

    private static string Names(List<string> names) => names.Count == 0 ? "none" : string.Join(", ", names.Take(8)) + (names.Count > 8 ? $" and {names.Count - 8} more" : "");

    /// <summary>Runs a step of PyBridge or of the checks, turning whatever a bad file makes it throw into one error naming the file.</summary>
    private static T Guard<T>(string path, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is not WeightsMismatchException)
        {
            // PyBridge, its unpickler, the zip reader and libtorch each throw their own types on a bad file.
            throw new InvalidDataException($"{path}: not a readable weights file: {LibTorchMessages.WithoutBacktrace(e.Message)}", e);
        }
    }

    private static void Guard(string path, Action step) => Guard(path, () =>
    {
        step();
        return 0;
    });
}
