using TrainExplain.Explainers;
using TrainExplain.Tests.Explainers;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.UserModels;

/// <summary>Every explainer and <see cref="ExplainerSet"/> on models the project did not write (see <see cref="UserModelZoo"/>).</summary>
public sealed class UserModelExplainerTests
{
    public static TheoryData<string> Kinds => UserModelZoo.Kinds;

    /// <summary>Every method of the library, with small settings: each input explainer's explanation of <paramref name="x"/>, then activation maximization's pictures.</summary>
    private static IEnumerable<(string Name, Func<Explanation> Run)> Every(nn.Module<Tensor, Tensor> model, Tensor x)
    {
        foreach (var explainer in ExplainerBehaviourTests.All(model))
        {
            yield return (explainer.Name, () => explainer.Explain(x, Targets.Predicted));
        }
        var visualizer = new ActivationMaximization(model, [0, 2], imageShape: [1, 8, 8], steps: 5);
        yield return (visualizer.Name, visualizer.Visualize);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryExplainerExplainsTheModelInEvalModeAndLeavesItAsItWas(string kind)
    {
        using var model = UserModelZoo.Create(kind);
        UserModelZoo.RandomizeBatchNormStatistics(model);
        torch.manual_seed(40);
        using var x = torch.rand([3, 1, 8, 8]);
        var (logits, probabilities) = EvalScores(model, x);
        var state = Snapshot(model);
        model.train();
        foreach (var (method, run) in Every(model, x))
        {
            using var explanation = run();
            var name = $"{kind}: {method}";
            Assert.All(explanation.Raw.ToFloats(), v => Assert.True(float.IsFinite(v), $"{name}: raw value {v}"));
            switch (explanation)
            {
                case Attribution attribution:
                    Assert.Equal([3L, 8, 8], attribution.Heatmaps.shape);
                    Assert.Equal([8L, 8], attribution.Raw.shape[2..]);
                    Assert.All(attribution.Heatmaps.ToFloats(), v => Assert.InRange(v, 0f, 1f));
                    // Scores are those of the model in eval mode: BatchNorm on its running statistics, not the batch's.
                    var expected = explanation.Parameters["score"] == "probability" ? probabilities : logits;
                    for (var i = 0; i < 3; i++)
                    {
                        Assert.Equal(ArgMax(logits, i), explanation.Targets[i]);
                        Assert.True(Math.Abs(expected[(i * 3) + explanation.Targets[i]] - explanation.Scores[i]) <= 1e-5, $"{name}: score {i}");
                    }
                    break;
                case ActivationMaps maps:
                    Assert.Equal(4, maps.Raw.ndim);
                    Assert.Equal(3, maps.Raw.size(0));
                    break;
                case ClassImages images:
                    Assert.Equal([2L, 1, 8, 8], images.Images.shape);
                    Assert.All(images.Images.ToFloats(), v => Assert.InRange(v, 0f, 1f));
                    break;
                default:
                    Assert.Fail($"{name}: unexpected result {explanation.GetType().Name}");
                    break;
            }
        }
        Assert.True(model.training);
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
        AssertSameState(state, model);
    }

    /// <summary>With 256 Gauss-Legendre points the ReLU networks here stay within 0.1% (measured); 0.5% is the bound.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void IntegratedGradientsAreComplete(string kind)
    {
        using var model = UserModelZoo.Create(kind);
        UserModelZoo.RandomizeBatchNormStatistics(model);
        torch.manual_seed(41);
        using var x = torch.rand([4, 1, 8, 8]).mul_(4);
        using var explanation = (Attribution)new IntegratedGradients(model, steps: 256) { ComputeDelta = true }.Explain(x, Targets.Predicted);
        var (logits, _) = EvalScores(model, x);
        using var zeros = torch.zeros_like(x);
        var (baselineLogits, _) = EvalScores(model, zeros);
        var delta = explanation.Delta!.ToFloats();
        var raw = explanation.Raw.ToDoubles();
        for (var i = 0; i < 4; i++)
        {
            var c = (int)explanation.Targets[i];
            var gap = logits[(i * 3) + c] - baselineLogits[(i * 3) + c];
            var sum = raw.AsSpan(i * 64, 64).ToArray().Sum();
            Assert.True(Math.Abs(sum - gap - delta[i]) <= 1e-5, $"{kind}: image {i}: delta {delta[i]} is not sum(raw) - gap = {sum - gap}");
            Assert.True(Math.Abs(delta[i]) <= 0.005 * Math.Abs(gap), $"{kind}: image {i}: |delta| {Math.Abs(delta[i])} > 0.5% of |S(x) - S(0)| = {Math.Abs(gap)}");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void AnExplainerSetGivesWhatSeparateCallsGive(string kind)
    {
        using var model = UserModelZoo.Create(kind);
        UserModelZoo.RandomizeBatchNormStatistics(model);
        torch.manual_seed(42);
        using var x = torch.rand([5, 1, 8, 8]);
        IExplainer[] methods = [new VanillaGradients(model), new GradientsInputs(model), new GradCam(model), new GradCamPlusPlus(model),
            new FullGrad(model), new OcclusionSensitivity(model, patch: 3, stride: 2), new LayerActivations(model)];
        var together = new ExplainerSet(methods).Explain(x, Targets.Predicted);
        try
        {
            for (var i = 0; i < methods.Length; i++)
            {
                using var alone = methods[i].Explain(x, Targets.Predicted);
                Assert.Equal(alone.Targets, together[i].Targets);
                Assert.Equal(alone.Scores, together[i].Scores);
                Assert.Equal(alone.Raw.ToFloats(), together[i].Raw.ToFloats());
            }
            Assert.Equal("shared by 5 methods", together[0].Parameters["gradient_pass"]);
        }
        finally
        {
            foreach (var explanation in together)
            {
                explanation.Dispose();
            }
        }
    }

    /// <summary>Logits and probabilities [N * K] of the model in eval mode, its mode restored.</summary>
    internal static (float[] Logits, float[] Probabilities) EvalScores(nn.Module<Tensor, Tensor> model, Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var training = model.training;
        model.eval();
        var logits = model.call(x);
        model.train(training);
        return (logits.ToFloats(), nn.functional.softmax(logits, 1).ToFloats());
    }

    private static long ArgMax(float[] logits, int image) =>
        Enumerable.Range(0, 3).MaxBy(c => logits[(image * 3) + c]);

    /// <summary>Every parameter and buffer by name, as float32 values.</summary>
    internal static Dictionary<string, float[]> Snapshot(nn.Module model)
    {
        using var scope = torch.NewDisposeScope();
        return model.state_dict().ToDictionary(p => p.Key, p => p.Value.ToFloats());
    }

    internal static void AssertSameState(Dictionary<string, float[]> expected, nn.Module model)
    {
        var actual = Snapshot(model);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
        {
            Assert.True(values.SequenceEqual(actual[name]), $"'{name}' changed");
        }
    }
}
