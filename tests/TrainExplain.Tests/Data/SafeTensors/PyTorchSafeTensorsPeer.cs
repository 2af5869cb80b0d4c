using System.Text.Json;
using TrainExplain.Testing;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Data.SafeTensors;

/// <summary>
/// An independent safetensors reader and writer in Python over Debian's PyTorch (json + struct + torch.frombuffer;
/// the <c>safetensors</c> package is not installed there), used as the reference peer of the interop tests.
/// </summary>
internal static class PyTorchSafeTensorsPeer
{
    // `read PATH` prints {"tensors": {name: {dtype, shape, values}}, "metadata": {...}}.
    // `write PATH` writes TENSORS (values from the formula of SafeTensorTestValues.Expected) in insertion order,
    // unpadded, with json.dumps' default spacing: deliberately unlike our writer.
    private const string Script = """
        import json, math, struct, sys, torch
        DT = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
              "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8, "BOOL": torch.bool}
        TENSORS = [("f32", "F32", [2, 3]), ("f64", "F64", []), ("f16", "F16", [4]), ("bf16", "BF16", [2, 2]),
                   ("i64", "I64", [3]), ("i32", "I32", [0, 2]), ("u8", "U8", [5]), ("bool", "BOOL", [2, 2])]
        def values(code, shape):
            k = torch.arange(math.prod(shape), dtype=torch.float64)
            v = {"I64": k * 3 - 4 + 2 ** 40, "I32": k * 3 - 4, "U8": k * 7 % 256, "BOOL": k % 3 == 0}.get(code, k * 0.5 - 1)
            return v.to(DT[code]).reshape(shape)
        def read(path):
            raw = open(path, "rb").read()
            n = struct.unpack("<Q", raw[:8])[0]
            header = json.loads(raw[8:8 + n].decode("utf-8"))
            meta = header.pop("__metadata__", {})
            out = {}
            for name, info in header.items():
                begin, end = info["data_offsets"]
                data = bytearray(raw[8 + n + begin:8 + n + end])
                t = torch.frombuffer(data, dtype=DT[info["dtype"]]) if data else torch.empty(0, dtype=DT[info["dtype"]])
                t = t.reshape(info["shape"])
                out[name] = {"dtype": str(t.dtype), "shape": list(t.shape), "values": t.flatten().to(torch.float64).tolist()}
            print(json.dumps({"tensors": out, "metadata": meta}))
        def write(path):
            header, blobs, offset = {"__metadata__": {"format": "pt", "writer": "python"}}, [], 0
            for name, code, shape in TENSORS:
                t = values(code, shape)
                blob = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
                header[name] = {"dtype": code, "shape": shape, "data_offsets": [offset, offset + len(blob)]}
                blobs.append(blob)
                offset += len(blob)
            text = json.dumps(header).encode("utf-8")
            with open(path, "wb") as f:
                f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
        {"read": read, "write": write}[sys.argv[1]](sys.argv[2])
        """;

    /// <summary>Skips the calling test, saying why, when Debian's Python with torch is not installed.</summary>
    public static void SkipUnlessAvailable() => PythonTorch.SkipUnlessAvailable();

    /// <summary>What the Python reader found in <paramref name="path"/>.</summary>
    public static JsonDocument Read(string path) => JsonDocument.Parse(RunScript("read", path));

    /// <summary>Has the Python writer write its fixed set of tensors to <paramref name="path"/>.</summary>
    public static void Write(string path) => RunScript("write", path);

    private static string RunScript(string mode, string path)
    {
        var (exitCode, output, error) = DebianPython.Run(null, "-c", Script, mode, path);
        Assert.True(exitCode == 0, $"python3 {mode} failed with exit code {exitCode}: {error}");
        return output;
    }
}
