using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TrainExplain.Data.SafeTensors;

/// <summary>
/// Builds the header the way the official writer does (huggingface/safetensors, <c>prepare</c>): tensors sorted by
/// element size, largest first, then by name (ordinal), laid out back to back from offset 0; <c>__metadata__</c> first;
/// compact JSON padded with spaces to a multiple of 8 bytes. With the 8-byte prefix and the padded header every tensor
/// then starts at a multiple of its own element size, so readers may map it without copying.
/// </summary>
internal static class SafeTensorsHeaderWriter
{
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // Names such as "a+b" or non-ASCII metadata stay readable; JSON validity does not depend on escaping them.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Checks the arguments, orders the tensors and builds their header.</summary>
    /// <exception cref="ArgumentException">A tensor is null, two tensors share a name, or a metadata value is null.</exception>
    public static PreparedSafeTensors Prepare(IEnumerable<SafeTensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var ordered = tensors.ToList();
        if (ordered.Contains(null!))
        {
            throw new ArgumentException("The tensors contain a null entry.", nameof(tensors));
        }

        string? duplicate = ordered.GroupBy(tensor => tensor.Name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two tensors are named '{duplicate}'; names must be unique.", nameof(tensors));
        }

        string? nullValueKey = metadata?.FirstOrDefault(pair => pair.Value is null).Key;
        if (nullValueKey is not null)
        {
            throw new ArgumentException($"Metadata key '{nullValueKey}' has a null value; values must be strings.", nameof(metadata));
        }

        ordered.Sort((left, right) =>
        {
            int bySize = right.DType.ElementSize().CompareTo(left.DType.ElementSize());
            return bySize != 0 ? bySize : string.CompareOrdinal(left.Name, right.Name);
        });
        return new PreparedSafeTensors(ordered, BuildHeader(ordered, metadata));
    }

    private static byte[] BuildHeader(List<SafeTensorEntry> ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(SafeTensorEntry.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            long offset = 0;
            foreach (var tensor in ordered)
            {
                WriteTensor(writer, tensor, offset);
                offset += tensor.Data.Length;
            }

            writer.WriteEndObject();
        }

        int padding = (8 - (buffer.WrittenCount % 8)) % 8;
        buffer.GetSpan(padding)[..padding].Fill((byte)' ');
        buffer.Advance(padding);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteTensor(Utf8JsonWriter writer, SafeTensorEntry tensor, long begin)
    {
        writer.WriteStartObject(tensor.Name);
        writer.WriteString("dtype", tensor.DType.HeaderName());
        writer.WriteStartArray("shape");
        foreach (long dimension in tensor.Shape)
        {
            writer.WriteNumberValue(dimension);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("data_offsets");
        writer.WriteNumberValue(begin);
        writer.WriteNumberValue(begin + tensor.Data.Length);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
