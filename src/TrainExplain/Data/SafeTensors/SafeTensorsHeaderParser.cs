using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace TrainExplain.Data.SafeTensors;

/// <summary>
/// Reads and validates a safetensors JSON header with the rules of the official reader
/// (huggingface/safetensors, <c>SafeTensors::read_metadata</c> and <c>Metadata::validate</c>): every tensor's
/// offsets match its dtype and shape, and the tensors tile the data buffer with no gap and no overlap.
/// Stricter than the official reader in one place: duplicate keys are refused rather than silently overwritten.
/// </summary>
internal static class SafeTensorsHeaderParser
{
    /// <summary>The official reader's limit on the header length (<c>MAX_HEADER_SIZE</c>).</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Parses <paramref name="header"/> (trailing spaces allowed) for a data buffer of <paramref name="bufferLength"/> bytes.</summary>
    /// <exception cref="InvalidDataException">The header is malformed or does not describe the buffer exactly.</exception>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> header, long bufferLength)
    {
        if (!Utf8.IsValid(header))
        {
            throw Invalid("the header is not valid UTF-8");
        }

        if (header.Trim((byte)' ').IsEmpty)
        {
            throw Invalid("the header is empty; expected a JSON object");
        }

        try
        {
            var reader = new Utf8JsonReader(header);
            return ReadRoot(ref reader, bufferLength);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"Invalid safetensors file: the header is not valid JSON ({exception.Message}).", exception);
        }
    }

    /// <summary>An <see cref="InvalidDataException"/> saying what is wrong with the file.</summary>
    public static InvalidDataException Invalid(string problem) => new($"Invalid safetensors file: {problem}.");

    private static SafeTensorsHeader ReadRoot(ref Utf8JsonReader reader, long bufferLength)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.StartObject, "the header");
        var tensors = new List<SafeTensorLayout>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        Dictionary<string, string>? metadata = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            if (!names.Add(name))
            {
                throw Invalid($"the header names '{name}' more than once");
            }

            Next(ref reader);
            if (name == SafeTensorEntry.MetadataKey)
            {
                metadata = ReadMetadata(ref reader);
            }
            else if (name.Length == 0)
            {
                throw Invalid("a tensor has an empty name");
            }
            else
            {
                tensors.Add(ReadTensor(ref reader, name, bufferLength));
            }
        }

        // Reading past the root object makes the reader reject anything but whitespace after it.
        _ = reader.Read();
        return new SafeTensorsHeader(CheckTiling(tensors, bufferLength), metadata ?? []);
    }

    private static Dictionary<string, string>? ReadMetadata(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.StartObject, $"'{SafeTensorEntry.MetadataKey}'");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            Next(ref reader);
            Expect(ref reader, JsonTokenType.String, $"'{SafeTensorEntry.MetadataKey}' value of key '{key}'");
            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw Invalid($"'{SafeTensorEntry.MetadataKey}' names the key '{key}' more than once");
            }
        }

        return metadata;
    }

    private static SafeTensorLayout ReadTensor(ref Utf8JsonReader reader, string name, long bufferLength)
    {
        Expect(ref reader, JsonTokenType.StartObject, $"tensor '{name}'");
        string? dtypeName = null;
        long[]? shape = null;
        long[]? offsets = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            string field = reader.GetString()!;
            Next(ref reader);
            switch (field)
            {
                case "dtype":
                    EnsureFirst(dtypeName, name, field);
                    Expect(ref reader, JsonTokenType.String, $"'dtype' of tensor '{name}'");
                    dtypeName = reader.GetString()!;
                    break;
                case "shape":
                    EnsureFirst(shape, name, field);
                    shape = ReadNonNegativeIntegers(ref reader, name, field);
                    break;
                case "data_offsets":
                    EnsureFirst(offsets, name, field);
                    offsets = ReadNonNegativeIntegers(ref reader, name, field);
                    break;
                default:
                    // The official reader ignores fields it does not know; so do we.
                    reader.Skip();
                    break;
            }
        }

        return CheckTensor(
            name,
            dtypeName ?? throw Invalid($"tensor '{name}' has no 'dtype'"),
            shape ?? throw Invalid($"tensor '{name}' has no 'shape'"),
            offsets ?? throw Invalid($"tensor '{name}' has no 'data_offsets'"),
            bufferLength);
    }

    private static SafeTensorLayout CheckTensor(string name, string dtypeName, long[] shape, long[] offsets, long bufferLength)
    {
        if (!SafeTensorDTypeExtensions.TryParseHeaderName(dtypeName, out var dtype))
        {
            throw Invalid($"tensor '{name}' has dtype '{dtypeName}'; supported dtypes are {SafeTensorDTypeExtensions.SupportedNames}");
        }

        if (offsets.Length != 2)
        {
            throw Invalid($"tensor '{name}' has {offsets.Length} 'data_offsets'; expected [begin, end]");
        }

        (long begin, long end) = (offsets[0], offsets[1]);
        if (begin > end || end > bufferLength)
        {
            throw Invalid($"tensor '{name}' has data_offsets [{begin}, {end}]; expected begin <= end <= {bufferLength}, the data buffer's length");
        }

        if (!dtype.TryGetByteLength(shape, out long byteLength))
        {
            throw Invalid($"tensor '{name}' of {dtypeName} with shape {HostCopies.FormatShape(shape)} has more bytes than a long can count");
        }

        if (end - begin != byteLength)
        {
            throw Invalid(
                $"tensor '{name}' has data_offsets [{begin}, {end}] ({end - begin} bytes), but {dtypeName} with shape {HostCopies.FormatShape(shape)} needs {byteLength} bytes");
        }

        return new SafeTensorLayout(name, dtype, shape, begin, end);
    }

    /// <summary>Sorts the tensors by offset and checks that they cover <c>[0, bufferLength)</c> exactly once.</summary>
    private static List<SafeTensorLayout> CheckTiling(List<SafeTensorLayout> tensors, long bufferLength)
    {
        tensors.Sort((left, right) => (left.Begin, left.End, left.Name).CompareTo((right.Begin, right.End, right.Name)));
        long covered = 0;
        string previous = "the start of the buffer";
        foreach (var tensor in tensors)
        {
            if (tensor.Begin < covered)
            {
                throw Invalid($"tensor '{tensor.Name}' at data_offsets [{tensor.Begin}, {tensor.End}] overlaps {previous}, which ends at {covered}");
            }

            if (tensor.Begin > covered)
            {
                throw Invalid($"the data buffer has a gap of {tensor.Begin - covered} bytes at offset {covered}, between {previous} and tensor '{tensor.Name}'");
            }

            covered = tensor.End;
            previous = $"tensor '{tensor.Name}'";
        }

        if (covered != bufferLength)
        {
            throw Invalid($"the tensors cover {covered} bytes but the data buffer has {bufferLength}; bytes from offset {covered} belong to no tensor");
        }

        return tensors;
    }

    private static long[] ReadNonNegativeIntegers(ref Utf8JsonReader reader, string name, string field)
    {
        Expect(ref reader, JsonTokenType.StartArray, $"'{field}' of tensor '{name}'");
        var values = new List<long>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0)
            {
                throw Invalid($"'{field}' of tensor '{name}' holds {DescribeToken(ref reader)}; expected integers from 0 to {long.MaxValue}");
            }

            values.Add(value);
        }

        return [.. values];
    }

    private static void EnsureFirst(object? seen, string name, string field)
    {
        if (seen is not null)
        {
            throw Invalid($"tensor '{name}' has more than one '{field}'");
        }
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        // The whole header is one final block, so running out of tokens inside a value means it is cut short;
        // the reader itself reports that as a JsonException.
        _ = reader.Read();
        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected, string what)
    {
        if (reader.TokenType != expected)
        {
            throw Invalid($"{what} is {DescribeToken(ref reader)}; expected {Describe(expected)}");
        }
    }

    private static string DescribeToken(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => $"the number {Encoding.UTF8.GetString(reader.ValueSpan)}",
        JsonTokenType.String => $"the string \"{Encoding.UTF8.GetString(reader.ValueSpan)}\"",
        _ => Describe(reader.TokenType),
    };

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
