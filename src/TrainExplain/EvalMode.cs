using TrainExplain.Numerics;

namespace TrainExplain;

/// <summary>
/// Runs work with a model in eval mode (dropout off, BatchNorm on its running statistics), restoring its mode after,
/// exceptions included. Every eval-mode pass of the library starts here, so the numerics guard runs first for the
/// model's device.
/// </summary>
internal static class EvalMode
{
    internal static T Run<T>(nn.Module model, Func<T> work)
    {
        NumericsGuard.EnsureChecked(ModelDevice.Of(model));
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
