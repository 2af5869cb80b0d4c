using System.Buffers.Binary;
using System.Text;
using TrainExplain.Data.SafeTensors;

namespace TrainExplain.Tests.Data.SafeTensors;

public sealed class SafeTensorsRoundTripTests
{
    // By name: the dtype enum is internal, and a theory's parameters are public.
    public static TheoryData<string> AllDTypes => [.. Enum.GetNames<SafeTensorDType>()];

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void Every_dtype_round_trips_scalar_empty_and_multi_dimensional_tensors(string name)
    {
        var dtype = Enum.Parse<SafeTensorDType>(name);
        SafeTensorEntry[] tensors =
        [
            SafeTensorTestValues.Entry("scalar", dtype),
            SafeTensorTestValues.Entry("empty", dtype, 2, 0, 3),
            SafeTensorTestValues.Entry("cube", dtype, 2, 3, 4),
            SafeTensorTestValues.Entry("vector", dtype, 5),
        ];

        var content = SafeTensorBytes.Deserialize(SafeTensorBytes.Serialize(tensors));

        Assert.Equal(tensors.Length, content.Tensors.Count);
        foreach (var expected in tensors)
        {
            AssertSameTensor(expected, content[expected.Name]);
        }

        Assert.Equal(1, content["scalar"].ElementCount);
        Assert.Equal(0, content["empty"].ElementCount);
    }

    [Fact]
    public void Tensors_of_mixed_dtypes_are_written_largest_element_first_then_by_name_and_stay_aligned()
    {
        SafeTensorEntry[] tensors =
        [
            SafeTensorTestValues.Entry("u8", SafeTensorDType.U8, 3),
            SafeTensorTestValues.Entry("f16", SafeTensorDType.F16, 3),
            SafeTensorTestValues.Entry("b_f64", SafeTensorDType.F64, 1),
            SafeTensorTestValues.Entry("a_i64", SafeTensorDType.I64, 2),
            SafeTensorTestValues.Entry("f32", SafeTensorDType.F32, 3),
            SafeTensorTestValues.Entry("bool", SafeTensorDType.BOOL, 1),
        ];

        byte[] file = SafeTensorBytes.Serialize(tensors);
        var content = SafeTensorBytes.Deserialize(file);

        Assert.Equal(["a_i64", "b_f64", "f32", "f16", "bool", "u8"], content.Tensors.Select(tensor => tensor.Name));
        foreach (var tensor in content.Tensors)
        {
            AssertSameTensor(tensors.Single(t => t.Name == tensor.Name), tensor);
        }

        // Aligned in the file: the data buffer starts at a multiple of 8 and each tensor at a multiple of its element size.
        int bufferStart = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0, bufferStart % 8);
        foreach (var layout in SafeTensorsHeaderParser.Parse(file.AsSpan(8, bufferStart - 8), file.Length - bufferStart).Tensors)
        {
            Assert.Equal(0, layout.Begin % layout.DType.ElementSize());
        }
    }

    [Fact]
    public void The_same_tensors_in_any_order_give_the_same_bytes()
    {
        SafeTensorEntry[] tensors =
        [
            SafeTensorTestValues.Entry("conv.weight", SafeTensorDType.F32, 2, 1, 3, 3),
            SafeTensorTestValues.Entry("conv.bias", SafeTensorDType.F32, 2),
            SafeTensorTestValues.Entry("bn.num_batches_tracked", SafeTensorDType.I64),
        ];

        Assert.Equal(SafeTensorBytes.Serialize(tensors), SafeTensorBytes.Serialize(tensors.Reverse()));
    }

    [Fact]
    public void A_tiny_file_has_exactly_the_bytes_of_the_format()
    {
        byte[] b = [.. BitConverter.GetBytes(1.0f), .. BitConverter.GetBytes(-2.0f)];
        SafeTensorEntry[] tensors = [new("a", SafeTensorDType.U8, [3], new byte[] { 1, 2, 3 }), new("b", SafeTensorDType.F32, [2], b)];

        byte[] actual = SafeTensorBytes.Serialize(tensors, new Dictionary<string, string> { ["format"] = "pt" });

        const string Json = """{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"U8","shape":[3],"data_offsets":[8,11]}}""";
        Assert.Equal(138, Json.Length);
        byte[] expected =
        [
            144, 0, 0, 0, 0, 0, 0, 0,             // header length 138 + 6 spaces of padding, little-endian u64
            .. Encoding.ASCII.GetBytes(Json),
            .. "      "u8,
            0x00, 0x00, 0x80, 0x3F,               // b[0] = 1.0f
            0x00, 0x00, 0x00, 0xC0,               // b[1] = -2.0f
            1, 2, 3,                              // a
        ];
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_file_without_tensors_or_metadata_is_an_empty_object_padded_to_8_bytes()
    {
        byte[] file = SafeTensorBytes.Serialize([]);

        Assert.Equal([8, 0, 0, 0, 0, 0, 0, 0, .. "{}      "u8], file);
        var content = SafeTensorBytes.Deserialize(file);
        Assert.Empty(content.Tensors);
        Assert.Empty(content.Metadata);
    }

    [Fact]
    public void Metadata_round_trips_including_quotes_unicode_and_empty_values()
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["note"] = "quote \" backslash \\ newline \n tab \t",
            ["ünïcødé ✓"] = "日本語",
            ["empty"] = string.Empty,
        };

        var content = SafeTensorBytes.Deserialize(SafeTensorBytes.Serialize([SafeTensorTestValues.Entry("x", SafeTensorDType.F32, 1)], metadata));

        Assert.Equal(metadata.OrderBy(pair => pair.Key), content.Metadata.OrderBy(pair => pair.Key));
    }

    [Fact]
    public void A_header_in_another_order_with_spaces_and_no_alignment_is_read_as_the_official_reader_does()
    {
        // As Python's json.dumps would write it: separators with spaces, insertion order, offsets not sorted by size.
        const string Header = """{"b": {"dtype": "F64", "shape": [1], "data_offsets": [3, 11]}, "a": {"dtype": "U8", "shape": [3], "data_offsets": [0, 3], "extra": [1, {"x": 2}]}}   """;

        var content = SafeTensorBytes.Deserialize(SafeTensorTestFiles.Compose(Header, 11));

        Assert.Equal(["a", "b"], content.Tensors.Select(tensor => tensor.Name));
        Assert.Equal([0, 1, 2], content["a"].Data.ToArray());
        Assert.Equal([3, 4, 5, 6, 7, 8, 9, 10], content["b"].Data.ToArray());
    }

    [Fact]
    public void Save_then_Load_round_trips_and_replaces_an_existing_file_without_leaving_temporary_files()
    {
        string directory = Directory.CreateTempSubdirectory("safetensors-test-").FullName;
        try
        {
            string path = Path.Combine(directory, "model.safetensors");
            File.WriteAllText(path, "an older file");
            SafeTensorEntry[] tensors = [SafeTensorTestValues.Entry("w", SafeTensorDType.BF16, 3, 2), SafeTensorTestValues.Entry("step", SafeTensorDType.I64)];

            SafeTensorsFile.Save(path, tensors, new Dictionary<string, string> { ["epoch"] = "3" });
            var content = SafeTensorsFile.Load(path);

            Assert.Equal(SafeTensorBytes.Serialize(tensors, new Dictionary<string, string> { ["epoch"] = "3" }), File.ReadAllBytes(path));
            AssertSameTensor(tensors[0], content["w"]);
            AssertSameTensor(tensors[1], content["step"]);
            Assert.Equal("3", content.Metadata["epoch"]);
            Assert.Equal([path], Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_failed_Save_leaves_no_temporary_file_behind()
    {
        string directory = Directory.CreateTempSubdirectory("safetensors-test-").FullName;
        try
        {
            // The target path is a directory, so the final rename fails after the temporary file was written.
            string path = Directory.CreateDirectory(Path.Combine(directory, "taken")).FullName;

            Assert.ThrowsAny<IOException>(() => SafeTensorsFile.Save(path, [SafeTensorTestValues.Entry("w", SafeTensorDType.F32, 2)]));

            Assert.Empty(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Write_and_Read_work_on_streams_from_their_current_position()
    {
        SafeTensorEntry[] tensors = [SafeTensorTestValues.Entry("x", SafeTensorDType.I32, 2, 2)];
        using var stream = new MemoryStream();
        stream.Write("prefix"u8);

        SafeTensorBytes.Write(stream, tensors);
        stream.Position = "prefix".Length;
        var content = SafeTensorsFile.Read(stream);

        AssertSameTensor(tensors[0], content["x"]);
        Assert.Equal(stream.Length, stream.Position);
    }

    [Fact]
    public void Looking_up_a_missing_tensor_names_it()
    {
        var content = SafeTensorBytes.Deserialize(SafeTensorBytes.Serialize([SafeTensorTestValues.Entry("x", SafeTensorDType.U8, 1)]));

        var exception = Assert.Throws<KeyNotFoundException>(() => content["y"]);
        Assert.Contains("'y'", exception.Message, StringComparison.Ordinal);
        Assert.False(content.TryGetTensor("y", out _));
        Assert.True(content.TryGetTensor("x", out var x));
        Assert.Equal("x", x.Name);
    }

    internal static void AssertSameTensor(SafeTensorEntry expected, SafeTensorEntry actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.True(expected.Data.Span.SequenceEqual(actual.Data.Span), $"The bytes of tensor '{expected.Name}' differ.");
    }
}
