namespace TrainExplain.Data.SafeTensors;

/// <summary>A parsed and validated header: tensors sorted by offset, and the metadata strings.</summary>
internal sealed record SafeTensorsHeader(IReadOnlyList<SafeTensorLayout> Tensors, IReadOnlyDictionary<string, string> Metadata);
