namespace TrainExplain.Torch.Tests.Core;

/// <summary>Seeding: manual_seed replays the global stream; a Generator has its own stream and leaves the global one alone.</summary>
public sealed class RandomTests
{
    [Fact]
    public void Manual_seed_replays_the_same_samples()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(123);
        float[] first = torch.randn([5]).data<float>();
        torch.manual_seed(123);
        float[] second = torch.randn([5]).data<float>();
        torch.manual_seed(124);
        float[] other = torch.randn([5]).data<float>();

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void A_generator_replays_its_seed_without_touching_the_global_stream()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(9);
        float[] undisturbed = torch.rand([4]).data<float>();

        torch.manual_seed(9);
        using (var generator = new Generator(1))
        {
            _ = generator.rand([100]);
        }

        float[] afterGenerator = torch.rand([4]).data<float>();
        using var a = new Generator(7);
        using var b = new Generator(7);
        using var c = new Generator(8);

        Assert.Equal(undisturbed, afterGenerator);
        Assert.Equal(a.randn([6], ScalarType.Float64).data<double>(), b.randn([6], ScalarType.Float64).data<double>());
        Assert.NotEqual(a.randn([6], ScalarType.Float64).data<double>(), c.randn([6], ScalarType.Float64).data<double>());
    }

    [Fact]
    public void Uniform_samples_lie_in_zero_to_one_and_randint_in_its_half_open_range()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);

        Assert.All(torch.rand([1000], ScalarType.Float64).data<double>(), v => Assert.InRange(v, 0, 1 - double.Epsilon));
        long[] integers = torch.randint(-2, 3, [1000]).data<long>();
        Assert.All(integers, v => Assert.InRange(v, -2, 2));
        Assert.Equal([-2L, -1, 0, 1, 2], integers.Distinct().Order());
    }
}
