using System.Text.Json;
using TrainExplain.Data.SafeTensors;
using TrainExplain.Imaging;

namespace TrainExplain.Explainers;

/// <summary>Writes an <see cref="Explanation"/>'s tensors to a file, for PyTorch or a later look.</summary>
public static class ExplanationTensors
{
    /// <summary>
    /// Saves the tensors as safetensors (written to a temporary name, then renamed): <c>attributions</c> (raw),
    /// <c>targets</c> (int64), <c>scores</c>, each result's extras (an attribution's <c>saliency</c>, <c>heatmaps</c>,
    /// <c>inputs</c> and, where it has them, <c>layer_map</c> and <c>delta</c>; class images' scores and probabilities
    /// before and after), and <paramref name="extra"/> tensors of the caller's (e.g. faithfulness figures), with the
    /// parameters and the method's name as metadata. With <paramref name="classNames"/> (index by class), the metadata's
    /// <c>target_names</c> holds each target's name, a JSON array in the order of <c>targets</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="classNames"/> does not name a target's class.</exception>
    public static void SaveTensors(this Explanation explanation, string path, IReadOnlyDictionary<string, Tensor>? extra = null, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["attributions"] = explanation.Raw,
            ["targets"] = torch.tensor(explanation.Targets),
            ["scores"] = torch.tensor(explanation.Scores),
        };
        foreach (var (name, tensor) in explanation.ExtraTensors().Concat(extra?.Select(p => (p.Key, p.Value)) ?? []))
        {
            tensors[name] = tensor;
        }
        var metadata = explanation.Parameters.ToDictionary(p => p.Key, p => p.Value);
        metadata["method"] = explanation.Method;
        if (classNames is not null)
        {
            metadata["target_names"] = JsonSerializer.Serialize(explanation.Targets.Select(c => ClassNames.Of(classNames, c, nameof(classNames))));
        }
        TensorSafeTensors.Save(path, tensors, metadata);
    }
}
