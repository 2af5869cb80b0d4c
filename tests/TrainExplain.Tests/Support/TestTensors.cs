namespace TrainExplain.Tests.Support;

/// <summary>Host copies the tests need besides the library's own (<c>ToFloats</c>, <c>ToLongs</c>).</summary>
internal static class TestTensors
{
    /// <summary>The values of <paramref name="tensor"/> as float64, in row-major order.</summary>
    internal static double[] ToDoubles(this Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        return tensor.detach().to(ScalarType.Float64, torch.CPU).contiguous().data<double>().ToArray();
    }
}
