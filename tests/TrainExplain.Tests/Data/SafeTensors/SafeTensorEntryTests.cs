using TrainExplain.Data.SafeTensors;

namespace TrainExplain.Tests.Data.SafeTensors;

/// <summary>Bad arguments to the writing side are <see cref="ArgumentException"/>s that say what was expected.</summary>
public sealed class SafeTensorEntryTests
{
    [Theory]
    [InlineData("F32", 4)]
    [InlineData("F64", 8)]
    [InlineData("F16", 2)]
    [InlineData("BF16", 2)]
    [InlineData("I64", 8)]
    [InlineData("I32", 4)]
    [InlineData("U8", 1)]
    [InlineData("BOOL", 1)]
    public void Element_sizes_are_those_of_the_format(string name, int size)
    {
        var dtype = Enum.Parse<SafeTensorDType>(name);
        Assert.Equal(size, dtype.ElementSize());
        Assert.Equal(dtype.ToString(), dtype.HeaderName());
    }

    [Fact]
    public void An_undefined_dtype_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((SafeTensorDType)42).ElementSize());
        Assert.Throws<ArgumentOutOfRangeException>(() => ((SafeTensorDType)42).HeaderName());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SafeTensorEntry("x", (SafeTensorDType)42, [], new byte[1]));
    }

    [Fact]
    public void A_null_or_empty_name_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new SafeTensorEntry(null!, SafeTensorDType.U8, [], new byte[1]));
        Assert.Throws<ArgumentException>(() => new SafeTensorEntry(string.Empty, SafeTensorDType.U8, [], new byte[1]));
    }

    [Fact]
    public void The_metadata_key_is_not_a_tensor_name()
    {
        var exception = Assert.Throws<ArgumentException>(() => new SafeTensorEntry("__metadata__", SafeTensorDType.U8, [], new byte[1]));
        Assert.Contains("reserved", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_whose_length_does_not_match_the_shape_is_refused()
    {
        var exception = Assert.Throws<ArgumentException>(() => new SafeTensorEntry("w", SafeTensorDType.F32, [2, 3], new byte[20]));
        Assert.Equal("data", exception.ParamName);
        Assert.Contains("Tensor 'w' of F32 with shape [2, 3] needs 24 bytes, but the data has 20", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_dimension_is_refused()
    {
        var exception = Assert.Throws<ArgumentException>(() => new SafeTensorEntry("w", SafeTensorDType.F32, [2, -1], ReadOnlyMemory<byte>.Empty));
        Assert.Contains("shape [2, -1]; dimensions must be >= 0", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shape_whose_byte_count_overflows_is_refused()
    {
        var exception = Assert.Throws<ArgumentException>(() => new SafeTensorEntry("w", SafeTensorDType.F64, [1L << 31, 1L << 31, 4], ReadOnlyMemory<byte>.Empty));
        Assert.Contains("more bytes than a long can count", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_entry_keeps_its_own_copy_of_the_shape()
    {
        long[] shape = [2, 3];
        var entry = new SafeTensorEntry("w", SafeTensorDType.U8, shape, new byte[6]);

        shape[0] = 5;

        Assert.Equal([2L, 3L], entry.Shape);
        Assert.Equal(6, entry.ElementCount);
    }

    [Fact]
    public void Two_tensors_with_the_same_name_are_refused()
    {
        var exception = Assert.Throws<ArgumentException>(() => SafeTensorBytes.Serialize(
            [SafeTensorTestValues.Entry("w", SafeTensorDType.U8, 1), SafeTensorTestValues.Entry("w", SafeTensorDType.F32, 1)]));
        Assert.Contains("Two tensors are named 'w'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_tensor_or_metadata_value_is_refused()
    {
        Assert.Throws<ArgumentException>(() => SafeTensorBytes.Serialize([null!]));
        var exception = Assert.Throws<ArgumentException>(() => SafeTensorBytes.Serialize([], new Dictionary<string, string> { ["k"] = null! }));
        Assert.Contains("Metadata key 'k' has a null value", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_with_bad_tensors_creates_no_file()
    {
        string directory = Directory.CreateTempSubdirectory("safetensors-test-").FullName;
        try
        {
            string path = Path.Combine(directory, "model.safetensors");

            Assert.Throws<ArgumentException>(() => SafeTensorsFile.Save(path, [SafeTensorTestValues.Entry("w", SafeTensorDType.U8, 1), SafeTensorTestValues.Entry("w", SafeTensorDType.U8, 1)]));
            Assert.Throws<ArgumentException>(() => SafeTensorsFile.Save(string.Empty, []));

            Assert.Empty(Directory.GetFileSystemEntries(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
