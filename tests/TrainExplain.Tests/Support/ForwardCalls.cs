namespace TrainExplain.Tests.Support;

/// <summary>Counts a model's forward passes: the input shape of each call of the model itself, in order.</summary>
internal static class ForwardCalls
{
    /// <summary>The input shape of every forward call of <paramref name="model"/> while <paramref name="work"/> runs.</summary>
    internal static List<long[]> Shapes(nn.Module<Tensor, Tensor> model, Action work)
    {
        var shapes = new List<long[]>();
        var hook = model.register_forward_pre_hook((_, input) =>
        {
            shapes.Add(input.shape);
            return input;
        });
        try
        {
            work();
        }
        finally
        {
            hook.remove();
        }
        return shapes;
    }

    /// <summary>The batch size of every forward call of <paramref name="model"/> while <paramref name="work"/> runs.</summary>
    internal static List<long> BatchSizes(nn.Module<Tensor, Tensor> model, Action work) => [.. Shapes(model, work).Select(shape => shape[0])];
}
