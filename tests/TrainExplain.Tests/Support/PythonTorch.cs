using TrainExplain.Testing;

namespace TrainExplain.Tests.Support;

/// <summary>
/// Runs scripts in Debian's Python with PyTorch 1.13 (<c>/usr/bin/python3</c>, package python3-torch), the reference
/// of the interop tests; tests call <see cref="SkipUnlessAvailable"/> first so they skip, saying why, where it is absent.
/// </summary>
internal static class PythonTorch
{
    /// <summary>
    /// Python functions every script may use: <c>st_load(path)</c> returns a dict of tensors and <c>st_save(tensors, path)</c>
    /// writes one, both by the safetensors layout (the <c>safetensors</c> package is not installed there).
    /// </summary>
    public const string Prelude = """
        import json, struct, sys, torch
        ST_TYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}
        def st_load(path):
            raw = open(path, "rb").read()
            n = struct.unpack("<Q", raw[:8])[0]
            header = json.loads(raw[8:8 + n].decode("utf-8"))
            header.pop("__metadata__", None)
            out = {}
            for name, info in header.items():
                begin, end = info["data_offsets"]
                data = bytearray(raw[8 + n + begin:8 + n + end])
                out[name] = torch.frombuffer(data, dtype=ST_TYPES[info["dtype"]]).reshape(info["shape"]).clone()
            return out
        def st_save(tensors, path):
            codes = {v: k for k, v in ST_TYPES.items()}
            header, blobs, offset = {}, [], 0
            for name, t in tensors.items():
                blob = t.detach().contiguous().numpy().tobytes()
                header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
                blobs.append(blob)
                offset += len(blob)
            text = json.dumps(header).encode("utf-8")
            with open(path, "wb") as f:
                f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))

        """;

    /// <summary>Skips the calling test, saying why, when Debian's Python with torch is not installed.</summary>
    public static void SkipUnlessAvailable()
    {
        if (!DebianPython.HasTorch)
        {
            Assert.Skip($"{DebianPython.Path} with torch (Debian package python3-torch) is not installed; it is the reference of this test.");
        }
    }

    /// <summary>
    /// Runs <see cref="Prelude"/> followed by <paramref name="script"/> in <paramref name="workingDirectory"/> with
    /// <paramref name="arguments"/> as sys.argv[1:]; returns stdout.
    /// </summary>
    public static string RunScript(string workingDirectory, string script, params string[] arguments)
    {
        var (exitCode, output, error) = DebianPython.Run(workingDirectory, ["-c", Prelude + script, .. arguments]);
        Assert.True(exitCode == 0, $"python3 failed with exit code {exitCode}: {error}");
        return output;
    }
}
