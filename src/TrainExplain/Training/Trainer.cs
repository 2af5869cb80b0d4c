using System.Diagnostics;
using TrainExplain.Data;
using TrainExplain.Numerics;

namespace TrainExplain.Training;

/// <summary>A small supervised training loop, as Keras's <c>fit</c>, that drives <see cref="ITrainingCallback"/>s.</summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="model"/> for <paramref name="epochs"/> epochs on the model's device: per batch forward,
    /// loss, backward, optimizer step; per epoch validation in eval mode without gradients; callbacks at each moment.
    /// The loss and the metrics stay on the device during the epoch and are read once at its end. Callbacks own their
    /// outputs (writers, folders); the loop only tells them where training is.
    /// </summary>
    /// <param name="model">The model; its parameters' device is where training runs.</param>
    /// <param name="optimizer">The optimizer over the model's parameters.</param>
    /// <param name="loss">The loss, e.g. <c>nn.CrossEntropyLoss()</c>.</param>
    /// <param name="trainLoader">The training batches, on the model's device (a <see cref="BatchLoader"/>, or any <see cref="IBatchSource"/>); enumerated once per epoch.</param>
    /// <param name="validationLoader">The validation batches, on the model's device, or null.</param>
    /// <param name="epochs">Epochs to train (fewer when a callback asks to stop).</param>
    /// <param name="callbacks">Called at each moment, in order.</param>
    /// <param name="options">The metrics (default: accuracy).</param>
    /// <param name="cancellation">
    /// Stops the run at the next batch boundary without throwing (Ctrl-C, say): the unfinished epoch gets neither
    /// validation nor <see cref="ITrainingCallback.OnEpochEnd"/>, but <see cref="ITrainingCallback.OnTrainEnd"/> runs, so
    /// callbacks finish their writes; the model keeps the weights of its last optimizer step. Long callback work stops
    /// too, within one chunk of its passes (one internal batch) or one activation maximization step: a callback's
    /// <see cref="ITrainingCallback.OnBatchEnd"/>, <see cref="ITrainingCallback.OnEpochBegin"/> or
    /// <see cref="ITrainingCallback.OnEpochEnd"/> cut short this way ends the run like a stop at a batch boundary (the
    /// callbacks after it miss that moment; an epoch whose end was cut keeps its logs in the history).
    /// </param>
    /// <returns>The logs of every finished epoch (an epoch ended early by <see cref="TrainingContext.RequestStop"/> included).</returns>
    /// <exception cref="ArgumentException">A loader puts its batches on another device than the model's.</exception>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Fit(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer,
        nn.Module<Tensor, Tensor, Tensor> loss, IBatchSource trainLoader, IBatchSource? validationLoader, int epochs,
        IReadOnlyList<ITrainingCallback>? callbacks = null, TrainerOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(trainLoader);
        var metrics = (options ?? new TrainerOptions()).Metrics;
        var device = ModelDevice.Of(model);
        NumericsGuard.EnsureChecked(device);
        CheckDevice(trainLoader, device, nameof(trainLoader));
        if (validationLoader is not null)
        {
            CheckDevice(validationLoader, device, nameof(validationLoader));
        }
        using var runningLoss = new RunningMean();
        var context = new TrainingContext(model, optimizer, epochs, trainLoader.BatchCount, () => runningLoss.Value);
        var all = callbacks ?? [];
        Each(all, c => c.OnTrainBegin(context));
        // The epochs' callback work sees the stop request; the train end's writes run to their end.
        var history = StopRequest.Honoring(cancellation, () => TrainEpochs(context, loss, trainLoader, validationLoader, metrics, runningLoss, all, cancellation));
        Each(all, c => c.OnTrainEnd(context));
        return history;
    }

    /// <summary>
    /// Mean loss and metrics of <paramref name="model"/> over <paramref name="loader"/>, in eval mode without gradients;
    /// the mode is restored.
    /// </summary>
    /// <returns><c>loss</c> and each metric by name.</returns>
    public static IReadOnlyDictionary<string, double> Evaluate(nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor, Tensor> loss, IBatchSource loader,
        IReadOnlyList<ITrainingMetric>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(loader);
        var measured = metrics ?? new TrainerOptions().Metrics;
        return EvalMode.Run(model, () =>
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var lossSum = torch.zeros([], ScalarType.Float64, loader.Device);
            var sums = measured.Select(_ => torch.zeros([], ScalarType.Float64, loader.Device)).ToList();
            long images = 0;
            foreach (var (x, y) in loader)
            {
                using var batchScope = torch.NewDisposeScope();
                batchScope.Attach(x, y);
                var output = model.call(x);
                lossSum.add_(loss.call(output, y).to(ScalarType.Float64) * x.size(0));
                AddMetrics(measured, sums, output, y);
                images += x.size(0);
            }
            return Means(TrainingLogKeys.Loss, lossSum, measured, sums, images);
        });
    }

    /// <summary>The epochs of <see cref="Fit"/> up to the last, a callback's stop or <paramref name="cancellation"/>; the logs of each finished one.</summary>
    private static List<IReadOnlyDictionary<string, double>> TrainEpochs(TrainingContext context, nn.Module<Tensor, Tensor, Tensor> loss, IBatchSource trainLoader,
        IBatchSource? validationLoader, IReadOnlyList<ITrainingMetric> metrics, RunningMean runningLoss, IReadOnlyList<ITrainingCallback> callbacks,
        CancellationToken cancellation)
    {
        var history = new List<IReadOnlyDictionary<string, double>>();
        for (var epoch = 1; epoch <= context.Epochs && !context.StopRequested && !cancellation.IsCancellationRequested; epoch++)
        {
            context.BeginEpoch(epoch);
            if (!RanUnstopped(() => Each(callbacks, c => c.OnEpochBegin(context)), cancellation))
            {
                break;
            }
            var logs = TrainEpoch(context, loss, trainLoader, metrics, runningLoss, callbacks, cancellation);
            if (logs is null)
            {
                break;
            }
            logs[TrainingLogKeys.LearningRate] = context.Optimizer.ParamGroups.First().LearningRate;
            if (validationLoader is not null)
            {
                foreach (var (key, value) in Evaluate(context.Model, loss, validationLoader, metrics))
                {
                    logs[TrainingLogKeys.Validation(key)] = value;
                }
            }
            context.EndEpoch(logs);
            var ended = RanUnstopped(() => Each(callbacks, c => c.OnEpochEnd(context)), cancellation);
            history.Add(context.Logs);
            if (!ended)
            {
                break;
            }
        }
        return history;
    }

    /// <summary>One epoch's training batches and their logs; null when <paramref name="cancellation"/> cut it short.</summary>
    private static Dictionary<string, double>? TrainEpoch(TrainingContext context, nn.Module<Tensor, Tensor, Tensor> loss, IBatchSource loader,
        IReadOnlyList<ITrainingMetric> metrics, RunningMean runningLoss, IReadOnlyList<ITrainingCallback> callbacks, CancellationToken cancellation)
    {
        context.Model.train();
        runningLoss.Reset();
        using var scope = torch.NewDisposeScope();
        var sums = metrics.Select(_ => torch.zeros([], ScalarType.Float64, context.Device)).ToList();
        long images = 0;
        var clock = Stopwatch.StartNew();
        foreach (var (x, y) in loader)
        {
            using (var batchScope = torch.NewDisposeScope())
            {
                batchScope.Attach(x, y);
                var output = context.Model.call(x);
                var value = loss.call(output, y);
                context.Optimizer.zero_grad();
                Backward.Loss(value);
                context.Optimizer.step();
                runningLoss.Add(value, x.size(0));
                AddMetrics(metrics, sums, output.detach(), y);
                images += x.size(0);
            }
            context.EndBatch();
            if (!RanUnstopped(() => Each(callbacks, c => c.OnBatchEnd(context)), cancellation) || cancellation.IsCancellationRequested)
            {
                return null;
            }
            if (context.StopRequested)
            {
                break;
            }
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var logs = Means(TrainingLogKeys.Loss, null, metrics, sums, images);
        logs[TrainingLogKeys.Loss] = runningLoss.Value;
        logs[TrainingLogKeys.EpochSeconds] = seconds;
        logs[TrainingLogKeys.ImagesPerSecond] = images / seconds;
        return logs;
    }

    private static void AddMetrics(IReadOnlyList<ITrainingMetric> metrics, List<Tensor> sums, Tensor output, Tensor target)
    {
        for (var i = 0; i < metrics.Count; i++)
        {
            sums[i].add_(metrics[i].BatchSum(output, target).to(ScalarType.Float64));
        }
    }

    /// <summary>Each sum over <paramref name="images"/> examples (NaN when there were none), read from the device once each.</summary>
    private static Dictionary<string, double> Means(string lossKey, Tensor? lossSum, IReadOnlyList<ITrainingMetric> metrics, List<Tensor> sums, long images)
    {
        var means = new Dictionary<string, double>();
        if (lossSum is not null)
        {
            means[lossKey] = images == 0 ? double.NaN : lossSum.item<double>() / images;
        }
        for (var i = 0; i < metrics.Count; i++)
        {
            means[metrics[i].Name] = images == 0 ? double.NaN : sums[i].item<double>() / images;
        }
        return means;
    }

    private static void CheckDevice(IBatchSource loader, Device device, string parameter)
    {
        if (!loader.Device.IsSameAs(device))
        {
            throw new ArgumentException($"The loader puts its batches on {loader.Device} but the model is on {device}; give the loader device: {device}.", parameter);
        }
    }

    /// <summary>
    /// Runs <paramref name="callbackWork"/>; false when <paramref name="cancellation"/>'s stop ended it early (the
    /// <see cref="OperationCanceledException"/> of <see cref="StopRequest"/>), which ends the run like a stop between batches.
    /// </summary>
    private static bool RanUnstopped(Action callbackWork, CancellationToken cancellation)
    {
        try
        {
            callbackWork();
            return true;
        }
        catch (OperationCanceledException e) when (cancellation.IsCancellationRequested && e.CancellationToken == cancellation)
        {
            return false;
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
