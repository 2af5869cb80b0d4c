using MnistTrainer.Models;
using TrainExplain.Data;
using TrainExplain.Data.SafeTensors;

namespace MnistTrainer.Tests.Support;

/// <summary>
/// Made once per test class, without Python: torchvision's resnet18 (1000 classes, seeded random weights) as
/// <c>resnet18.safetensors</c>, and two small RGB images (3x64x64, so every method's passes stay fast) with labels in
/// <c>input.safetensors</c>.
/// </summary>
public sealed class ResNet18Files : IDisposable
{
    private readonly Lazy<string> folder = new(() =>
    {
        var path = Directory.CreateTempSubdirectory("resnet18").FullName;
        using var scope = NewDisposeScope();
        manual_seed(23);
        using (var model = Architectures.Create("resnet18"))
        {
            ModelWeights.Save(model, Path.Combine(path, "resnet18.safetensors"));
        }
        TensorSafeTensors.Save(Path.Combine(path, "input.safetensors"),
            new Dictionary<string, Tensor> { ["images"] = rand([2, 3, 64, 64]), ["labels"] = tensor(new long[] { 1, 999 }) });
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
