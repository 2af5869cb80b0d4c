using System.IO.Compression;
using TrainExplain.Data.SafeTensors;

namespace TrainExplain.Tests.Data.SafeTensors;

/// <summary>Every malformed file gets an <see cref="InvalidDataException"/> whose message names the problem, from every reader.</summary>
public sealed class SafeTensorsHostileFileTests
{
    private const string F32x2 = """{"dtype":"F32","shape":[2],"data_offsets":[0,8]}""";

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(7)]
    public void A_file_shorter_than_the_length_prefix_is_refused(int length)
        => AssertInvalid(new byte[length], $"the file has {length} bytes, fewer than the 8-byte header length");

    [Fact]
    public void A_header_length_beyond_the_end_of_the_file_is_refused()
        => AssertInvalid(SafeTensorTestFiles.Compose("{}", 10, headerLength: 100), "the header length is 100 bytes but only 12 bytes follow");

    [Theory]
    [InlineData(100_000_001UL)]
    [InlineData(ulong.MaxValue)]
    public void A_header_length_over_100_MB_is_refused(ulong headerLength)
        => AssertInvalid(SafeTensorTestFiles.Compose("{}", 0, headerLength), $"the header length is {headerLength} bytes; at most 100000000");

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"a":""")]
    [InlineData("""{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},}""")]
    [InlineData("""{} {}""")]
    [InlineData("""{"a":{"dtype":"F32" "shape":[0]}}""")]
    public void A_header_that_is_not_one_JSON_value_is_refused(string header)
        => AssertInvalid(SafeTensorTestFiles.Compose(header, 0), header.Length == 0 ? "the header is empty" : "the header is not valid JSON");

    [Fact]
    public void A_header_that_is_not_UTF8_is_refused()
        => AssertInvalid(SafeTensorTestFiles.Compose([(byte)'{', 0xFF, (byte)'}'], 0, 3), "the header is not valid UTF-8");

    [Theory]
    [InlineData("[1,2]", "an array")]
    [InlineData("\"text\"", "the string \"text\"")]
    [InlineData("null", "null")]
    [InlineData("42", "the number 42")]
    public void A_header_that_is_not_an_object_is_refused(string header, string found)
        => AssertInvalid(SafeTensorTestFiles.Compose(header, 0), $"the header is {found}; expected an object");

    [Theory]
    [InlineData("I8")]
    [InlineData("F8_E4M3")]
    [InlineData("f32")]
    [InlineData("complex")]
    public void An_unsupported_dtype_is_refused_with_the_supported_list(string dtype)
        => AssertInvalid(
            SafeTensorTestFiles.Compose($$$"""{"t":{"dtype":"{{{dtype}}}","shape":[1],"data_offsets":[0,1]}}""", 1),
            $"tensor 't' has dtype '{dtype}'; supported dtypes are F32, F64, F16, BF16, I64, I32, U8, BOOL");

    [Theory]
    [InlineData("[-1]", "the number -1")]
    [InlineData("[1.5]", "the number 1.5")]
    [InlineData("[9223372036854775808]", "the number 9223372036854775808")]
    [InlineData("[\"2\"]", "the string \"2\"")]
    public void A_shape_that_is_not_non_negative_integers_is_refused(string shape, string found)
        => AssertInvalid(
            SafeTensorTestFiles.Compose($$$"""{"t":{"dtype":"U8","shape":{{{shape}}},"data_offsets":[0,0]}}""", 0),
            $"'shape' of tensor 't' holds {found}; expected integers from 0");

    [Fact]
    public void Offsets_beyond_the_data_buffer_are_refused()
        => AssertInvalid(
            SafeTensorTestFiles.Compose("""{"t":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8),
            "tensor 't' has data_offsets [0, 16]; expected begin <= end <= 8");

    [Fact]
    public void Offsets_that_end_before_they_begin_are_refused()
        => AssertInvalid(
            SafeTensorTestFiles.Compose("""{"t":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}""", 4),
            "tensor 't' has data_offsets [4, 0]; expected begin <= end");

    [Fact]
    public void Offsets_that_are_not_a_pair_are_refused()
        => AssertInvalid(
            SafeTensorTestFiles.Compose("""{"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}""", 1),
            "tensor 't' has 3 'data_offsets'; expected [begin, end]");

    [Fact]
    public void Overlapping_tensors_are_refused()
        => AssertInvalid(
            SafeTensorTestFiles.Compose($$$"""{"a":{{{F32x2}}},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12),
            "tensor 'b' at data_offsets [4, 12] overlaps tensor 'a', which ends at 8");

    [Fact]
    public void A_gap_between_tensors_is_refused()
        => AssertInvalid(
            SafeTensorTestFiles.Compose($$$"""{"a":{{{F32x2}}},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}""", 20),
            "the data buffer has a gap of 4 bytes at offset 8, between tensor 'a' and tensor 'b'");

    [Fact]
    public void A_first_tensor_that_does_not_start_at_offset_0_is_refused()
        => AssertInvalid(
            SafeTensorTestFiles.Compose("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12),
            "the data buffer has a gap of 4 bytes at offset 0, between the start of the buffer and tensor 'a'");

    [Fact]
    public void Data_after_the_last_tensor_is_refused()
        => AssertInvalid(SafeTensorTestFiles.Compose($$$"""{"a":{{{F32x2}}}}""", 9), "the tensors cover 8 bytes but the data buffer has 9");

    [Fact]
    public void A_byte_range_that_does_not_match_the_shape_is_refused()
        => AssertInvalid(
            SafeTensorTestFiles.Compose("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8),
            "tensor 'a' has data_offsets [0, 8] (8 bytes), but F32 with shape [3] needs 12 bytes");

    [Fact]
    public void A_shape_whose_byte_count_overflows_is_refused()
        => AssertInvalid(
            SafeTensorTestFiles.Compose("""{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}""", 0),
            "tensor 'a' of F32 with shape [4294967296, 4294967296] has more bytes than a long can count");

    [Fact]
    public void A_name_used_twice_is_refused()
        => AssertInvalid(SafeTensorTestFiles.Compose($$$"""{"a":{{{F32x2}}},"a":{{{F32x2}}}}""", 8), "the header names 'a' more than once");

    [Fact]
    public void A_field_given_twice_is_refused()
        => AssertInvalid(
            SafeTensorTestFiles.Compose("""{"a":{"dtype":"U8","dtype":"F32","shape":[1],"data_offsets":[0,1]}}""", 1),
            "tensor 'a' has more than one 'dtype'");

    [Fact]
    public void An_empty_tensor_name_is_refused()
        => AssertInvalid(SafeTensorTestFiles.Compose($$$"""{"":{{{F32x2}}}}""", 8), "a tensor has an empty name");

    [Theory]
    [InlineData("dtype", """{"shape":[1],"data_offsets":[0,1]}""")]
    [InlineData("shape", """{"dtype":"U8","data_offsets":[0,1]}""")]
    [InlineData("data_offsets", """{"dtype":"U8","shape":[1]}""")]
    public void A_missing_field_is_refused(string field, string tensor)
        => AssertInvalid(SafeTensorTestFiles.Compose($$$"""{"a":{{{tensor}}}}""", 1), $"tensor 'a' has no '{field}'");

    [Fact]
    public void A_tensor_description_that_is_not_an_object_is_refused()
        => AssertInvalid(SafeTensorTestFiles.Compose("""{"a":[1]}""", 0), "tensor 'a' is an array; expected an object");

    [Fact]
    public void Metadata_that_is_not_strings_is_refused()
        => AssertInvalid(
            SafeTensorTestFiles.Compose("""{"__metadata__":{"epoch":3}}""", 0),
            "'__metadata__' value of key 'epoch' is the number 3; expected a string");

    [Fact]
    public void A_header_claiming_a_gigabyte_tensor_in_a_small_file_allocates_nothing_large()
    {
        byte[] file = SafeTensorTestFiles.Compose("""{"a":{"dtype":"F32","shape":[250000000],"data_offsets":[0,1000000000]}}""", 16);
        using var stream = new MemoryStream(file);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(stream));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1_000_000, $"Refusing the file allocated {allocated} bytes.");
    }

    [Fact]
    public void A_file_truncated_inside_its_data_is_refused()
    {
        byte[] file = SafeTensorBytes.Serialize([SafeTensorTestValues.Entry("w", SafeTensorDType.F32, 4)]);

        AssertInvalid(file[..^1], "tensor 'w' has data_offsets [0, 16]; expected begin <= end <= 15");
    }

    [Fact]
    public void Every_strict_prefix_of_a_valid_file_is_refused_cleanly()
    {
        byte[] file = SafeTensorBytes.Serialize(
            [SafeTensorTestValues.Entry("w", SafeTensorDType.F32, 2, 3), SafeTensorTestValues.Entry("b", SafeTensorDType.U8, 3)],
            new Dictionary<string, string> { ["k"] = "v" });

        for (int length = 0; length < file.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => SafeTensorBytes.Deserialize(file, length));
        }
    }

    [Fact]
    public void A_non_seekable_stream_is_refused()
    {
        using var stream = new GZipStream(new MemoryStream(), CompressionMode.Decompress);

        Assert.Throws<ArgumentException>(() => SafeTensorsFile.Read(stream));
    }

    /// <summary>Checks that the stream reader and the file reader both refuse <paramref name="file"/> with the same message.</summary>
    private static void AssertInvalid(byte[] file, string expectedProblem)
    {
        var fromStream = Assert.Throws<InvalidDataException>(() => SafeTensorBytes.Deserialize(file));
        Assert.Contains(expectedProblem, fromStream.Message, StringComparison.Ordinal);

        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(path, file);
            var fromFile = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Load(path));
            Assert.Equal(fromStream.Message, fromFile.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
