using System.Diagnostics.CodeAnalysis;

namespace TrainExplain.Data.SafeTensors;

/// <summary>What a safetensors file holds: its tensors, in data-buffer order, and its <c>__metadata__</c>.</summary>
internal sealed class SafeTensorsContent
{
    private readonly Dictionary<string, SafeTensorEntry> byName;

    internal SafeTensorsContent(IReadOnlyList<SafeTensorEntry> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
        byName = tensors.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
    }

    /// <summary>The tensors, ordered by their position in the data buffer (ties, i.e. empty tensors, by name).</summary>
    public IReadOnlyList<SafeTensorEntry> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> strings; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public SafeTensorEntry this[string name] => TryGetTensor(name, out var tensor)
        ? tensor
        : throw new KeyNotFoundException($"The safetensors file has no tensor named '{name}'; it has {Tensors.Count} tensors.");

    /// <summary>Looks a tensor up by name.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="tensor">The tensor when found.</param>
    /// <returns>Whether the file has a tensor of that name.</returns>
    public bool TryGetTensor(string name, [MaybeNullWhen(false)] out SafeTensorEntry tensor)
        => byName.TryGetValue(name, out tensor);
}
