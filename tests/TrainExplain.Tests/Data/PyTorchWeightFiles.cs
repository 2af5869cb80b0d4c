using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Data;

/// <summary>
/// Weights files written by Debian's PyTorch 1.13 from <see cref="UserModels.UserModelZoo.NamedSequential"/>'s twin
/// (same names, BatchNorm statistics set, eval mode), made once per test class on first use: good ones, their input
/// and output, and hostile ones built the way torch.save writes. Tests call <see cref="PythonTorch.SkipUnlessAvailable"/> first.
/// </summary>
public sealed class PyTorchWeightFiles : IDisposable
{
    /// <summary>The PyTorch side: the twin model, its files, and the hostile variants (see each file's name).</summary>
    internal const string Script = """
        import collections, zipfile
        import torch.nn as nn
        def net(widths=(4, 6)):
            return nn.Sequential(collections.OrderedDict([
                ("conv1", nn.Conv2d(1, widths[0], 3, padding=1)), ("bn1", nn.BatchNorm2d(widths[0])), ("relu1", nn.ReLU()),
                ("conv2", nn.Conv2d(widths[0], widths[1], 3, padding=1)), ("relu2", nn.ReLU()),
                ("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(widths[1], 3))]))
        def make():
            torch.manual_seed(7)
            model = net()
            with torch.no_grad():
                model.bn1.running_mean.copy_(torch.randn(4) * 0.2)
                model.bn1.running_var.copy_(torch.rand(4) + 0.5)
                model.bn1.num_batches_tracked.fill_(7)
            model.eval()
            state = model.state_dict()
            x = torch.rand(3, 1, 8, 8)
            with torch.no_grad():
                y = model(x)
            torch.save(state, "pytorch.pt")
            st_save(state, "pytorch.safetensors")
            st_save({"x": x, "y": y}, "pytorch_io.safetensors")
            torch.save(net((8, 6)).state_dict(), "wider.pt")
            torch.save(state, "legacy.pt", _use_new_zipfile_serialization=False)
            torch.save(model, "whole_model.pt")
            torch.save(torch.zeros(3), "tensor_top.pt")
            torch.save([state["fc.weight"]], "list_top.pt")
            torch.save(collections.OrderedDict(state, device=torch.device("cpu")), "device_entry.pt")
            torch.save(collections.OrderedDict(state, version=3), "number_entry.pt")
            def strided(tensor):
                # The same values in another layout: dimensions in reverse order, at offset 3 of a storage twice as large.
                storage = torch.zeros(2 * tensor.numel() + 3, dtype=tensor.dtype)
                view = storage[3:3 + tensor.numel()].reshape(tuple(reversed(tensor.shape))).permute(tuple(reversed(range(tensor.dim()))))
                view.copy_(tensor)
                assert tensor.dim() < 2 or not view.is_contiguous()
                return view
            torch.save(collections.OrderedDict((k, strided(v)) for k, v in state.items()), "strided.pt")
            class ClaimedView:
                # Pickles as torch.save pickles a tensor, with a shape and stride of our choosing over a real storage.
                def __init__(self, storage, size, stride):
                    self.storage, self.size, self.stride = storage, size, stride
                def __reduce_ex__(self, protocol):
                    return (torch._utils._rebuild_tensor_v2, (self.storage, 0, self.size, self.stride, False, collections.OrderedDict()))
            def claiming(path, size, stride):
                bad = collections.OrderedDict(state)
                bad["fc.weight"] = ClaimedView(state["fc.weight"].storage(), size, stride)
                torch.save(bad, path)
            claiming("huge_shape.pt", (1000000, 1000000), (1000000, 1))
            claiming("huge_int64_shape.pt", (2 ** 40,), (1,))
            claiming("huge_stride.pt", (3, 6), (2 ** 31 - 1, 1))
            claiming("overflowing_shape.pt", (2 ** 31 - 1, 2 ** 31 - 1), (2 ** 31 - 1, 1))
            # conv2.weight's storage entry, the largest, cut to half its 864 bytes.
            with zipfile.ZipFile("pytorch.pt") as source, zipfile.ZipFile("short_entry.pt", "w", zipfile.ZIP_STORED) as target:
                largest = max((i for i in source.infolist() if "/data/" in i.filename), key=lambda i: i.file_size)
                for info in source.infolist():
                    data = source.read(info.filename)
                    target.writestr(info, data[: len(data) // 2] if info is largest else data)
        def check(weights, io):
            # Loads weights written by C# into the twin strictly and prints the largest difference from C#'s outputs.
            model = net()
            model.load_state_dict(st_load(weights) if weights.endswith(".safetensors") else torch.load(weights), strict=True)
            model.eval()
            tensors = st_load(io)
            with torch.no_grad():
                print(float((model(tensors["x"]) - tensors["y"]).abs().max()))
        if sys.argv[1] == "make":
            make()
        else:
            check(sys.argv[2], sys.argv[3])
        """;

    private readonly Lazy<string> directory = new(() =>
    {
        var path = System.IO.Directory.CreateTempSubdirectory("pytorch-weights").FullName;
        PythonTorch.RunScript(path, Script, "make");
        return path;
    });

    /// <summary>The folder of the files, made on first use.</summary>
    public string Directory => directory.Value;

    /// <summary>The path of one of the files.</summary>
    public string this[string name] => Path.Combine(Directory, name);

    public void Dispose()
    {
        if (directory.IsValueCreated)
        {
            System.IO.Directory.Delete(directory.Value, recursive: true);
        }
    }
}
