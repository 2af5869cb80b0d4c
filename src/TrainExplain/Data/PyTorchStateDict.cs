using System.Collections;
using System.IO.Compression;
using System.Text;
using TorchSharp.PyBridge;

namespace TrainExplain.Data;

/// <summary>
/// A PyTorch zip file (<c>torch.save(model.state_dict(), path)</c>) opened for loading: its tensors' records, read by
/// TorchSharp.PyBridge's unpickler without their data and each checked against the bytes its storage entry really has,
/// and their values, read here by storage, offset and stride as PyTorch's <c>_rebuild_tensor_v2</c> does (PyBridge's own
/// <c>load_py</c> refuses a non-contiguous tensor, such as a transposed one). Every problem is an
/// <see cref="InvalidDataException"/> in plain words, never a .NET type of PyBridge's or its unpickler's.
/// </summary>
internal sealed class PyTorchStateDict : IDisposable
{
    private readonly FileStream stream;
    private readonly ZipArchive archive;

    private PyTorchStateDict(FileStream stream, ZipArchive archive, Dictionary<string, PyTorchStorageRecord> records)
    {
        (this.stream, this.archive, Records) = (stream, archive, records);
    }

    /// <summary>The file's tensors by name: dtype, shape, stride, offset and storage entry.</summary>
    internal Dictionary<string, PyTorchStorageRecord> Records { get; }

    /// <summary>Opens <paramref name="path"/> and reads its records, without reading tensor data.</summary>
    internal static PyTorchStateDict Open(string path)
    {
        var stream = File.OpenRead(path);
        ZipArchive? archive = null;
        var records = new Dictionary<string, PyTorchStorageRecord>();
        try
        {
            Span<byte> signature = stackalloc byte[4];
            if (stream.ReadAtLeast(signature, 4, throwOnEndOfStream: false) < 4 || !signature.SequenceEqual("PK\u0003\u0004"u8))
            {
                throw new InvalidDataException("not a PyTorch zip archive; save it with torch.save(model.state_dict(), path) (PyTorch 1.6 or later) or as .safetensors");
            }
            stream.Position = 0;
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var storedBytes = archive.Entries.Select(e => e.Length).ToArray();
            if (storedBytes.Sum() > 16 * stream.Length + (1 << 20))
            {
                throw new InvalidDataException($"the archive claims {storedBytes.Sum()} bytes once unpacked from a {stream.Length}-byte file; PyTorch stores weights unpacked");
            }
            stream.Position = 0;
            foreach (DictionaryEntry entry in Unpickle(stream, archive))
            {
                var name = entry.Key as string ?? throw new InvalidDataException($"the state dict has a key that is not a string ({entry.Key}); expected parameter names");
                var record = new PyTorchStorageRecord(name, entry.Value);
                records[name] = record;
                var needed = checked(record.ElementsSpanned() * record.ElementSize);
                if (record.ArchiveIndex < 0 || record.ArchiveIndex >= storedBytes.Length || needed > storedBytes[record.ArchiveIndex])
                {
                    throw new InvalidDataException($"tensor '{name}' of shape {HostCopies.FormatShape(record.Shape)} needs {needed} bytes but its storage holds {(record.ArchiveIndex >= 0 && record.ArchiveIndex < storedBytes.Length ? storedBytes[record.ArchiveIndex] : 0)}");
                }
            }
            return new PyTorchStateDict(stream, archive, records);
        }
        catch
        {
            foreach (var record in records.Values)
            {
                record.Dispose();
            }
            archive?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Copies every tensor of the file into the same-named tensor of <paramref name="model"/>'s state dict (names and shapes checked before).</summary>
    internal void CopyInto(nn.Module model)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var state = model.state_dict();
        foreach (var (name, record) in Records)
        {
            var entry = archive.Entries[record.ArchiveIndex];
            var bytes = new byte[entry.Length];
            using (var data = entry.Open())
            {
                data.ReadExactly(bytes);
            }
            var storage = torch.empty(bytes.Length / record.ElementSize, record.Dtype);
            bytes.AsSpan(0, (int)storage.NumberOfElements * record.ElementSize).CopyTo(storage.bytes);
            state[name].copy_(storage.as_strided(record.Shape, record.Stride, record.StorageOffset));
        }
    }

    public void Dispose()
    {
        foreach (var record in Records.Values)
        {
            record.Dispose();
        }
        archive.Dispose();
        stream.Dispose();
    }

    /// <summary>PyBridge's unpickling of the file's top-level dict, its failures said in plain words.</summary>
    private static Hashtable Unpickle(FileStream stream, ZipArchive archive)
    {
        const string expected = "not a state_dict (a dict of parameter names to tensors); save model.state_dict()";
        try
        {
            return PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true, skipTensorRead: true);
        }
        catch (InvalidCastException e)
        {
            // PyBridge casts the unpickled top level to a dict.
            throw new InvalidDataException($"a PyTorch file whose top level is {TopLevel(archive)}, {expected}", e);
        }
        catch (Razorvine.Pickle.PickleException e)
        {
            // The unpickler rebuilds only tensors, dicts and argument-free classes; anything else (a torch.device, a slice) ends here.
            throw new InvalidDataException("a PyTorch file that holds a Python object other than tensors, which this reader cannot rebuild; expected a state_dict (a dict of parameter names to tensors); save model.state_dict()", e);
        }
        catch (NotImplementedException e) when (e.Message.Contains("entire model", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"a PyTorch file that holds a whole model (torch.save(model)), {expected}", e);
        }
    }

    /// <summary>
    /// What the pickle's top-level object is, from its first opcode after the protocol header, as torch.save's pickler
    /// writes them: a rebuilt tensor or class begins with its global, a list with an empty list. (A tuple of up to three
    /// items begins with its first item, so it reads as that item.)
    /// </summary>
    private static string TopLevel(ZipArchive archive)
    {
        var pickle = archive.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal));
        if (pickle is null)
        {
            return "missing (no data.pkl)";
        }
        var head = new byte[256];
        int length;
        using (var data = pickle.Open())
        {
            length = data.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        var at = length >= 2 && head[0] == 0x80 ? 2 : 0;
        if (at >= length)
        {
            return "empty";
        }
        switch ((char)head[at])
        {
            case 'c':
                var lines = Encoding.ASCII.GetString(head, at + 1, length - at - 1).Split('\n');
                return lines.Length < 3 ? "an object" : lines[1] switch
                {
                    "_rebuild_tensor" or "_rebuild_tensor_v2" => "a tensor",
                    "_rebuild_parameter" => "a parameter",
                    _ => $"an object of class {lines[0]}.{lines[1]}",
                };
            case ']':
                return "a list";
            case '(' or ')':
                return "a tuple";
            default:
                return "something other than a dict";
        }
    }
}
