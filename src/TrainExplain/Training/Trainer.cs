using System.Diagnostics;
using TrainExplain.Data;
using TrainExplain.TensorBoard;

namespace TrainExplain.Training;

/// <summary>A small supervised training loop, as Keras's <c>fit</c>, that drives <see cref="ITrainingCallback"/>s.</summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="model"/> for <paramref name="epochs"/> epochs: per batch forward, loss, backward, optimizer
    /// step; per epoch validation in eval mode without gradients; callbacks at each moment. Metrics stay on the device
    /// during the epoch and are read once at its end.
    /// </summary>
    /// <returns>The logs of every epoch.</returns>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Fit(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, nn.Module<Tensor, Tensor, Tensor> loss,
        DataLoader trainLoader, DataLoader? validationLoader, int epochs, Device? device = null, SummaryWriter? writer = null,
        IReadOnlyList<ITrainingCallback>? callbacks = null, string? runDirectory = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(trainLoader);
        var context = new TrainingContext(model, optimizer, device ?? trainLoader.Device, epochs, trainLoader.BatchCount, writer, runDirectory);
        var all = callbacks ?? [];
        var history = new List<IReadOnlyDictionary<string, double>>();
        Each(all, c => c.OnTrainBegin(context));
        for (var epoch = 1; epoch <= epochs && !context.StopTraining; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            context.Epoch = epoch;
            Each(all, c => c.OnEpochBegin(context));
            var (trainLoss, trainAccuracy, seconds, images) = TrainEpoch(context, loss, trainLoader, all, cancellation);
            context.Logs.Clear();
            context.Logs[TrainingLogKeys.Loss] = trainLoss;
            context.Logs[TrainingLogKeys.Accuracy] = trainAccuracy;
            context.Logs[TrainingLogKeys.LearningRate] = optimizer.ParamGroups.First().LearningRate;
            context.Logs[TrainingLogKeys.EpochSeconds] = seconds;
            context.Logs[TrainingLogKeys.ImagesPerSecond] = images / seconds;
            if (validationLoader is not null)
            {
                var (validationLoss, validationAccuracy) = Evaluate(model, loss, validationLoader);
                context.Logs[TrainingLogKeys.ValidationLoss] = validationLoss;
                context.Logs[TrainingLogKeys.ValidationAccuracy] = validationAccuracy;
            }
            Each(all, c => c.OnEpochEnd(context));
            history.Add(new Dictionary<string, double>(context.Logs));
        }
        Each(all, c => c.OnTrainEnd(context));
        context.ResetRunningLoss();
        return history;
    }

    private static (double loss, double accuracy, double seconds, long images) TrainEpoch(TrainingContext context, nn.Module<Tensor, Tensor, Tensor> loss,
        DataLoader loader, IReadOnlyList<ITrainingCallback> callbacks, CancellationToken cancellation)
    {
        context.Model.train();
        context.ResetRunningLoss();
        using var correct = torch.zeros([], ScalarType.Int64, context.Device).DetachFromDisposeScope();
        long images = 0;
        var clock = Stopwatch.StartNew();
        var batch = 0;
        foreach (var (x, y) in loader)
        {
            cancellation.ThrowIfCancellationRequested();
            using (var scope = torch.NewDisposeScope())
            {
                scope.Attach(x, y);
                var logits = context.Model.call(x);
                var value = loss.call(logits, y);
                context.Optimizer.zero_grad();
                value.backward();
                context.Optimizer.step();
                context.AccumulateLoss(value, x.size(0));
                correct.add_(logits.argmax(1).eq(y).sum());
                images += x.size(0);
            }
            context.Batch = ++batch;
            context.GlobalStep++;
            for (var i = 0; i < callbacks.Count; i++)
            {
                callbacks[i].OnBatchEnd(context);
            }
        }
        var meanLoss = context.RunningLoss();
        var seconds = clock.Elapsed.TotalSeconds;
        return (meanLoss, images == 0 ? double.NaN : correct.item<long>() / (double)images, seconds, images);
    }

    /// <summary>Mean loss and accuracy of <paramref name="model"/> over <paramref name="loader"/>, in eval mode without gradients; the mode is restored.</summary>
    public static (double loss, double accuracy) Evaluate(nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor, Tensor> loss, DataLoader loader)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(loader);
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var lossSum = torch.zeros([], ScalarType.Float64, loader.Device);
            var correct = torch.zeros([], ScalarType.Int64, loader.Device);
            long images = 0;
            foreach (var (x, y) in loader)
            {
                using var batchScope = torch.NewDisposeScope();
                batchScope.Attach(x, y);
                var logits = model.call(x);
                lossSum.add_(loss.call(logits, y) * x.size(0));
                correct.add_(logits.argmax(1).eq(y).sum());
                images += x.size(0);
            }
            return images == 0 ? (double.NaN, double.NaN) : (lossSum.item<double>() / images, correct.item<long>() / (double)images);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    private static void Each(IReadOnlyList<ITrainingCallback> callbacks, Action<ITrainingCallback> action)
    {
        foreach (var callback in callbacks)
        {
            action(callback);
        }
    }
}
