using MnistTrainer.Models;
using TrainExplain.Data;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>The <c>--weights FILE</c> of <c>explain</c> and <c>train</c>: a state dict loaded strictly into the model.</summary>
internal static class WeightsOption
{
    /// <summary>
    /// Loads .safetensors or PyTorch .pt weights; a file that does not fit names the parameter and the other architectures,
    /// an unreadable one says it was --weights. Weights with NaN or infinite values are refused: every score, and so every
    /// map and picture, would be NaN (and fine-tuning from them stays NaN), which is better said here than discovered in
    /// the outputs. Shared by <c>explain</c> and <c>train</c> (to fine-tune).
    /// </summary>
    internal static void Load(nn.Module model, string path, string arch)
    {
        try
        {
            ModelWeights.Load(model, path);
        }
        catch (WeightsMismatchException e)
        {
            var others = string.Join(" or ", Architectures.Names.Where(name => name != arch).Select(name => $"--arch {name}"));
            throw new InvalidDataException($"--weights {path}: {e.Message} (with --arch {arch}); the file may be for {others}.", e);
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
}
