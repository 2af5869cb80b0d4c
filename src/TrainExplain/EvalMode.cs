namespace TrainExplain;

/// <summary>Runs work with a model in eval mode (dropout off, BatchNorm on its running statistics), restoring its mode after, exceptions included.</summary>
internal static class EvalMode
{
    internal static T Run<T>(nn.Module model, Func<T> work)
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            return work();
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
