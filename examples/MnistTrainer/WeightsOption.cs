using MnistTrainer.Models;
using TrainExplain.Data;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>The <c>--weights FILE</c> of <c>explain</c> and <c>train</c>: a state dict loaded strictly into the model.</summary>
internal static class WeightsOption
{
    /// <summary>
    /// Loads .safetensors or PyTorch .pt weights; a file that does not fit names the parameter and an architecture it fits,
    /// an unreadable one says it was --weights. Weights with NaN or infinite values are refused: every score, and so every
    /// map and picture, would be NaN (and fine-tuning from them stays NaN), which is better said here than discovered in
    /// the outputs. Shared by <c>explain</c> and <c>train</c> (to fine-tune).
    /// </summary>
    internal static void Load(nn.Module model, string path, string arch, int classCount)
    {
        try
        {
            ModelWeights.Load(model, path);
        }
        catch (WeightsMismatchException e)
        {
            // The same family (MNIST ConvNets, or torchvision's) is tried first, and the search stops at the first fit.
            var others = Architectures.Names.Where(name => name != arch).OrderBy(name => Architectures.Get(name).IsTorchVision != Architectures.Get(arch).IsTorchVision).ToList();
            var hint = others.FirstOrDefault(name => Fits(name, classCount, path)) is { } fit ? $"the file fits --arch {fit}"
                : $"it fits none of the other architectures with {classCount} classes ({string.Join(", ", others)}); check --num-classes";
            throw new InvalidDataException($"--weights {path}: {e.Message} (with --arch {arch}); {hint}.", e);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
        {
            // The library's message begins with the file; the flag's prefix names it already.
            var reason = e.Message.StartsWith($"{path}: ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message;
            throw new InvalidDataException($"--weights {path}: {reason}", e);
        }
        using var scope = NewDisposeScope();
        var nonFinite = model.named_parameters()
            .Select(p => (p.name, Count: p.parameter.isfinite().logical_not().sum().item<long>()))
            .Where(p => p.Count > 0)
            .Select(p => $"{p.name} ({p.Count})")
            .ToList();
        if (nonFinite.Count > 0)
        {
            throw new InvalidDataException(
                $"--weights {path} holds NaN or infinite values in {string.Join(", ", nonFinite)}, so every explanation would be NaN; the run that saved them probably diverged (try a lower --lr).");
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> loads strictly into architecture <paramref name="name"/> with <paramref name="classCount"/>
    /// classes: only on the error path, until one fits (building each costs up to a few seconds for VGG-16).
    /// </summary>
    private static bool Fits(string name, int classCount, string path)
    {
        if (!Architectures.Get(name).IsTorchVision && classCount != Architectures.Get(name).DefaultClasses)
        {
            return false;
        }
        using var scope = NewDisposeScope();
        using var candidate = Architectures.Get(name).Factory(classCount);
        try
        {
            ModelWeights.Load(candidate, path);
            return true;
        }
        catch (WeightsMismatchException)
        {
            return false;
        }
    }
}
