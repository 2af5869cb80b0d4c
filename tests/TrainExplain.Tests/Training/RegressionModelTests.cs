using TorchSharp.Modules;
using TrainExplain.Data;
using TrainExplain.Explainers;
using TrainExplain.Tests.Explainers;
using TrainExplain.Tests.Support;
using TrainExplain.Training;

namespace TrainExplain.Tests.Training;

/// <summary>
/// Issue 12, item 4: not only classifiers. A regression model is explained through a function of its output
/// (<see cref="Targets.Output"/>), class targets on a model without logits get an error naming the shape, and
/// <see cref="Trainer.Fit"/> trains it with the metrics that fit it: none, or the user's own.
/// </summary>
public sealed class RegressionModelTests
{
    /// <summary>The first output unit of a model as a [N] output.</summary>
    private sealed class FirstUnit : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> inner;

        public FirstUnit(nn.Module<Tensor, Tensor> inner) : base(nameof(FirstUnit))
        {
            this.inner = inner;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => inner.call(input).select(1, 0);
    }

    /// <summary>The mean squared error between the single output unit [N, 1] and the integer labels read as numbers.</summary>
    private sealed class LabelRegressionLoss() : nn.Module<Tensor, Tensor, Tensor>(nameof(LabelRegressionLoss))
    {
        public override Tensor forward(Tensor output, Tensor labels) =>
            nn.functional.mse_loss(output.select(1, 0), labels.to(output.dtype));
    }

    /// <summary>A user's metric: the mean absolute error of the single output unit against the labels read as numbers.</summary>
    private sealed class MeanAbsoluteError : ITrainingMetric
    {
        public string Name => "mae";

        public Tensor BatchSum(Tensor output, Tensor target) => (output.select(1, 0) - target.to(output.dtype)).abs().sum();
    }

    /// <summary>conv -> ReLU -> flatten -> one output unit, over 6x6 images.</summary>
    private static Sequential Regressor() => nn.Sequential(
        ("conv", nn.Conv2d(1, 4, 3, padding: 1)),
        ("relu", nn.ReLU()),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(4 * 36, 1)));

    [Fact]
    public void AnOutputUnitIsExplainedAsAFunctionOfTheOutput()
    {
        // S(x) = sum(a * x^2): dS/dx = 2 a x, by hand.
        using var scope = torch.NewDisposeScope();
        var coefficients = ExplainerModels.Random(36, seed: 71).Select(v => (double)v).ToArray();
        using var model = new ExplainerModels.Quadratic(coefficients, [1, 1, 6, 6]);
        torch.manual_seed(71);
        var x = torch.rand([3, 1, 6, 6]);
        var unit = Targets.Output(o => o[.., 0], "output unit 0");

        using var explanation = (Attribution)new VanillaGradients(model).Explain(x, unit);

        var pixels = x.ToDoubles();
        var raw = explanation.Raw.ToDoubles();
        for (var i = 0; i < pixels.Length; i++)
        {
            var expected = 2 * coefficients[i % 36] * pixels[i];
            Assert.True(Math.Abs(raw[i] - expected) <= 1e-6, $"element {i}: {raw[i]}, by hand {expected}");
        }
        for (var j = 0; j < 3; j++)
        {
            var score = Enumerable.Range(0, 36).Sum(p => coefficients[p] * pixels[(j * 36) + p] * pixels[(j * 36) + p]);
            Assert.True(Math.Abs(score - explanation.Scores[j]) <= 1e-6 * Math.Max(1, score), $"image {j}: S {explanation.Scores[j]}, by hand {score}");
        }
        Assert.Equal([-1L, -1, -1], explanation.Targets);
        Assert.Equal("output unit 0", explanation.Parameters["score"]);
        Assert.Equal("output unit 0", explanation.Parameters["targets"]);
    }

    [Fact]
    public void ClassTargetsOnAModelWithoutLogitsGetAnErrorNamingTheShape()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new FirstUnit(Regressor());
        var x = torch.rand([3, 1, 6, 6]);
        foreach (var explainer in new IExplainer[] { new VanillaGradients(model), new IntegratedGradients(model, steps: 2), new GradCam(model) })
        {
            var error = Assert.Throws<ArgumentException>(() => explainer.Explain(x, Targets.Predicted));
            Assert.Contains("The model's output has shape [3]; class targets need logits [N, K]", error.Message);
            Assert.Contains("Targets.Output", error.Message);
        }
        var set = Assert.Throws<ArgumentException>(() => new ExplainerSet([new VanillaGradients(model), new GradCam(model)]).Explain(x, Targets.Class(0)));
        Assert.Contains("shape [3]", set.Message);

        // The output itself is one score per image; a function that gives another shape is refused, naming both.
        using var explained = new VanillaGradients(model).Explain(x, Targets.Output(o => o));
        Assert.Equal([3L, 1, 6, 6], explained.Raw.shape);
        var wrong = Assert.Throws<ArgumentException>(() => new VanillaGradients(model).Explain(x, Targets.Output(o => o.unsqueeze(1), "unsqueezed")));
        Assert.Contains("The target function (unsqueezed) must give one score per image, [3], but gave [3, 1]", wrong.Message);
    }

    [Fact]
    public void FitTrainsARegressionModelWithNoMetricsOrTheUsersOwn()
    {
        torch.manual_seed(72);
        using var train = TrainingFixtures.Bars(96, seed: 1);
        using var validation = TrainingFixtures.Bars(32, seed: 2);
        using var model = Regressor();
        using var optimizer = optim.Adam(model.parameters(), lr: 0.02);
        using var loss = new LabelRegressionLoss();
        var (trainLoader, validationLoader) = (new BatchLoader(train, 16, shuffle: true, seed: 3), new BatchLoader(validation, 16));

        // The default metric, accuracy, does not fit one output unit: a clear error says what to do.
        var refused = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, optimizer, loss, trainLoader, validationLoader, 1, cancellation: TestContext.Current.CancellationToken));
        Assert.Contains("Accuracy needs logits [N, K] with K >= 2 and labels [N]; the model gave [16, 1] for labels [16]", refused.Message);
        Assert.Contains("TrainerOptions { Metrics = [...] }", refused.Message);

        var plain = Trainer.Fit(model, optimizer, loss, trainLoader, validationLoader, 4, options: new TrainerOptions { Metrics = [] }, cancellation: TestContext.Current.CancellationToken);
        Assert.Equal(["epoch_seconds", "images_per_second", "learning_rate", "loss", "val_loss"], plain[^1].Keys.Order());
        Assert.True(plain[^1][TrainingLogKeys.Loss] < plain[0][TrainingLogKeys.Loss], $"loss {plain[0][TrainingLogKeys.Loss]} -> {plain[^1][TrainingLogKeys.Loss]}");

        var measured = Trainer.Fit(model, optimizer, loss, trainLoader, validationLoader, 2, options: new TrainerOptions { Metrics = [new MeanAbsoluteError()] }, cancellation: TestContext.Current.CancellationToken);
        Assert.Contains("mae", measured[^1].Keys);
        var byHand = MeanAbsoluteErrorByHand(model, validation);
        Assert.True(Math.Abs(measured[^1]["val_mae"] - byHand) <= 1e-6, $"val_mae {measured[^1]["val_mae"]}, by hand {byHand}");
        var evaluated = Trainer.Evaluate(model, loss, validationLoader, [new MeanAbsoluteError()]);
        Assert.Equal(["loss", "mae"], evaluated.Keys.Order());
        Assert.Equal(measured[^1]["val_mae"], evaluated["mae"], 12);
        Assert.Equal(measured[^1][TrainingLogKeys.ValidationLoss], evaluated[TrainingLogKeys.Loss], 12);
        Assert.True(byHand < 0.5, $"the trained model is off by {byHand} on average, on labels 0 to 2");
    }

    private static double MeanAbsoluteErrorByHand(nn.Module<Tensor, Tensor> model, ImageDataset data)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        model.eval();
        var predictions = model.call(data.Images).ToDoubles();
        model.train();
        var labels = data.Labels.ToLongs();
        return predictions.Select((p, i) => Math.Abs(p - labels[i])).Average();
    }
}
