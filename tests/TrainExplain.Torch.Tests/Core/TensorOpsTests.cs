using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Core;

/// <summary>Tensor operations against values worked out by hand.</summary>
public sealed class TensorOpsTests
{
    [Fact]
    public void Item_of_an_int64_tensor_is_exact_beyond_two_to_the_53()
    {
        using var scope = torch.NewDisposeScope();
        // 2^53 + 1 has no double representation: a conversion through double would give 2^53.
        const long Big = (1L << 53) + 1;

        Assert.Equal(Big, torch.tensor(new long[] { Big }).item<long>());
        Assert.Equal(long.MinValue, torch.tensor(new long[] { long.MinValue }).item<long>());
        Assert.Equal(-7, torch.tensor(new int[] { -7 }).item<int>());
        Assert.Equal(0.1f, torch.tensor(new float[] { 0.1f }).item<float>());
        Assert.Equal(0.1, torch.tensor(new double[] { 0.1 }).item<double>());
    }

    [Fact]
    public void Variance_and_standard_deviation_are_unbiased_unless_asked_otherwise()
    {
        using var scope = torch.NewDisposeScope();
        // (1, 2, 3, 6): mean 3, squared deviations 4 + 1 + 0 + 9 = 14.
        var x = torch.tensor(new double[] { 1, 2, 3, 6 });

        TensorAssert.Close([14.0 / 3], x.var().reshape(1));
        TensorAssert.Close([14.0 / 4], x.var(unbiased: false).reshape(1));
        TensorAssert.Close([Math.Sqrt(14.0 / 3)], x.std().reshape(1));
        TensorAssert.Close([Math.Sqrt(14.0 / 4)], x.reshape(2, 2).std([0, 1], unbiased: false).reshape(1));
    }

    [Fact]
    public void Reductions_over_a_dimension_keep_or_drop_it()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 5, 3, 4, 2, 6 }, [2, 3]);

        TensorAssert.Close([3, 4], x.mean(1));
        Assert.Equal([2L, 1], x.mean(1, keepdim: true).shape);
        var (values, indexes) = x.max(1);
        TensorAssert.Close([5, 6], values, 0, 0);
        Assert.Equal([1L, 2], indexes.data<long>());
        Assert.Equal([1L, 0, 1], x.argmax(0).data<long>());
        Assert.Equal(5L, x.argmax().item<long>());
        TensorAssert.Close([Math.Sqrt(1 + 25 + 9), Math.Sqrt(16 + 4 + 36)], x.norm([1]));
    }

    [Fact]
    public void Gather_index_select_and_one_hot_pick_the_indexed_entries()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 10, 11, 12, 20, 21, 22 }, [2, 3]);

        TensorAssert.Close([12, 20], x.gather(1, torch.tensor(new long[] { 2, 0 }, [2, 1])), 0, 0);
        TensorAssert.Close([12, 10, 22, 20], x.index_select(1, torch.tensor(new long[] { 2, 0 })), 0, 0);
        Assert.Equal([0L, 0, 1, 1, 0, 0], torch.one_hot(torch.tensor(new long[] { 2, 0 }), 3).data<long>());
    }

    [Fact]
    public void Views_share_data_with_their_base()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros([2, 3], ScalarType.Float64);

        x.narrow(1, 1, 2).fill_(1);
        x.select(0, 1).add_(10);
        x.transpose(0, 1)[0].add_(100);

        TensorAssert.Close([100, 1, 1, 110, 11, 11], x, 0, 0);
    }

    [Fact]
    public void Cat_stack_permute_and_flatten_rearrange_as_PyTorch()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new double[] { 1, 2, 3, 4 }, [2, 2]);
        var b = torch.tensor(new double[] { 5, 6, 7, 8 }, [2, 2]);

        TensorAssert.Close([1, 2, 5, 6, 3, 4, 7, 8], torch.cat([a, b], 1), 0, 0);
        Assert.Equal([2L, 2, 2], torch.stack([a, b], 2).shape);
        TensorAssert.Close([1, 5, 2, 6, 3, 7, 4, 8], torch.stack([a, b], 2), 0, 0);
        TensorAssert.Close([1, 3, 2, 4], a.permute(1, 0).contiguous(), 0, 0);
        Assert.Equal([8L], torch.stack([a, b]).flatten().shape);
    }

    [Fact]
    public void Integer_scalars_keep_integer_tensors_integral_and_division_is_true_division()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new long[] { 3, 4 });

        Assert.Equal(ScalarType.Int64, (x * 2L + 1L).dtype);
        Assert.Equal([7L, 9], (x * 2L + 1L).data<long>());
        Assert.Equal(ScalarType.Float32, (x / 2L).dtype);
        Assert.Equal([1.5f, 2f], (x / 2L).data<float>());
        Assert.Equal([-1L, -2], (2L - x).data<long>());
    }

    [Fact]
    public void Clamp_where_and_masked_fill_select_elementwise()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { -2, -0.5, 0.5, 2 });

        TensorAssert.Close([-1, -0.5, 0.5, 1], x.clamp(-1, 1), 0, 0);
        TensorAssert.Close([0, 0, 0.5, 2], x.clamp(min: 0), 0, 0);
        TensorAssert.Close([-2, 0, 0, 2], torch.where(x.abs() > 1.0, x, torch.zeros_like(x)), 0, 0);
        TensorAssert.Close([9, 9, 0.5, 2], x.masked_fill(x < 0.0, 9), 0, 0);
    }

    [Fact]
    public void Addcmul_and_addcdiv_add_scaled_products_and_quotients_in_place()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2 });
        var a = torch.tensor(new double[] { 3, 4 });
        var b = torch.tensor(new double[] { 2, 8 });

        x.addcmul_(a, b, 0.5);
        TensorAssert.Close([1 + 3, 2 + 16], x, 0, 0);
        x.addcdiv_(a, b, -2);
        TensorAssert.Close([4 - 3, 18 - 1], x, 0, 0);
    }

    [Fact]
    public void Quantile_interpolates_linearly_between_order_statistics()
    {
        using var scope = torch.NewDisposeScope();
        // Sorted (1, 2, 4, 8): position q (n - 1); q = 0.5 -> 1.5 -> (2 + 4) / 2, q = 0.9 -> 2.7 -> 4 + 0.7 (8 - 4).
        var x = torch.tensor(new double[] { 8, 1, 4, 2 });

        TensorAssert.Close([3], x.quantile(0.5).reshape(1));
        TensorAssert.Close([6.8], x.quantile(0.9).reshape(1));
    }

    [Fact]
    public void Pad_adds_constants_to_the_last_dimension_first()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2 }, [1, 2]);

        // (left 1, right 0) on the columns, (top 0, bottom 1) on the rows.
        TensorAssert.Close([7, 1, 2, 7, 7, 7], torch.nn.functional.pad(x, [1, 0, 0, 1], 7), 0, 0);
    }

    [Fact]
    public void Conversions_round_trip_values_between_dtypes()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1.75, -2.5, 3 });

        Assert.Equal([1L, -2, 3], x.to(ScalarType.Int64).data<long>());
        Assert.Equal([1.75f, -2.5f, 3f], x.@float().data<float>());
        Assert.Equal([true, true, true], x.to(ScalarType.Bool).data<bool>());
    }

    [Fact]
    public void Arange_infers_its_dtype_from_the_arguments_as_PyTorch()
    {
        using var scope = torch.NewDisposeScope();
        // torch.arange(0, 1, 0.25) is float32 [0, 0.25, 0.5, 0.75]; torch.arange(2, 5) is int64 [2, 3, 4].
        var fractional = torch.arange(0, 1, 0.25);
        var integral = torch.arange(2, 5);

        Assert.Equal(ScalarType.Float32, fractional.dtype);
        Assert.Equal([0f, 0.25f, 0.5f, 0.75f], fractional.data<float>());
        Assert.Equal(ScalarType.Int64, integral.dtype);
        Assert.Equal([2L, 3, 4], integral.data<long>());
        Assert.Equal([0.0, 0.5, 1.0], torch.arange(0, 1.5, 0.5, ScalarType.Float64).data<double>());
    }
}
