namespace TrainExplain.Torch.Tests.Core;

public sealed class TensorBasicsTests
{
    [Fact]
    public void FactoriesShapeDtypeAndValues()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        Assert.Equal([2L, 3L], t.shape);
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal(Device.CPU, t.device);
        Assert.Equal(new float[] { 2, 4, 6, 8, 10, 12 }, (t * 2).data<float>());
        Assert.Equal(21f, t.sum().item<float>());
        Assert.Equal(new float[] { 5, 7, 9 }, t.sum(0).data<float>());
        Assert.Equal(new long[] { 2, 2 }, t.argmax(1).data<long>());
        Assert.Equal(new float[] { 0, 0, 0, 0 }, torch.zeros([2, 2]).data<float>());
    }

    [Fact]
    public void PolynomialGradientIsHandComputed()
    {
        using var scope = torch.NewDisposeScope();
        // y = sum(x^3 + 2x), dy/dx = 3x^2 + 2
        var x = torch.tensor(new double[] { -1, 0.5, 2 }).requires_grad_();
        var y = (x.pow(3) + x * 2L).sum();
        y.backward();
        Assert.Equal(new double[] { 5, 2.75, 14 }, x.grad!.data<double>());
    }

    [Fact]
    public void ShapeMismatchPassesLibtorchMessage()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones([2, 3]);
        var b = torch.ones([4]);
        var e = Assert.Throws<TorchException>(() => a + b);
        Assert.Contains("size of tensor a (3) must match the size of tensor b (4)", e.Message);
    }

    [Fact]
    public void DisposedTensorThrows()
    {
        var t = torch.ones([2]);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.sum());
        t.Dispose();
    }

    [Fact]
    public void ScopedIterationsReturnToBaseline()
    {
        var baseline = torch.live_tensor_count();
        for (var i = 0; i < 1000; i++)
        {
            using var scope = torch.NewDisposeScope();
            var x = torch.randn([4, 4]).requires_grad_();
            var y = (x.matmul(x) * 2).relu().sum();
            y.backward();
            _ = x.grad;
        }
        Assert.Equal(baseline, torch.live_tensor_count());
    }
}
