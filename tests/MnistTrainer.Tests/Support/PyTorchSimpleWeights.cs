namespace MnistTrainer.Tests.Support;

/// <summary>
/// The example's <c>simple</c> model as PyTorch 1.13 saves it, made once per test class: <c>model.pt</c>
/// (<c>torch.save(model.state_dict())</c>, every tensor with requires_grad false), the same weights as
/// <c>model.safetensors</c>, and four 28x28 inputs with labels in <c>input.safetensors</c>.
/// </summary>
public sealed class PyTorchSimpleWeights : IDisposable
{
    private readonly Lazy<string> folder = new(() =>
    {
        ReferencePython.Require();
        var path = Directory.CreateTempSubdirectory("pytorch-simple").FullName;
        ReferencePython.Run("""
            folder = sys.argv[1]
            model = r.make_model("simple", seed=3).eval()
            torch.save(model.state_dict(), folder + "/model.pt")
            r.save_safetensors(folder + "/model.safetensors", model.state_dict())
            x = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(5))
            r.save_safetensors(folder + "/input.safetensors", {"images": x, "labels": torch.tensor([0, 3, 7, 9])})
            """, path);
        return path;
    });

    /// <summary>The path of one of the files.</summary>
    public string this[string name] => Path.Combine(folder.Value, name);

    public void Dispose()
    {
        if (folder.IsValueCreated)
        {
            Directory.Delete(folder.Value, recursive: true);
        }
    }
}
