using System.Reflection;
using TrainExplain.Explainers;
using TrainExplain.Tests.Support;

namespace TrainExplain.Tests.Explainers;

/// <summary>
/// Issue 12, item 6: an <see cref="ExplainerSet"/> checks the batch once, copies it to the host once, resolves each
/// method's layer once (one probe for a default layer), runs one pass for its one-pass methods, and builds every
/// result complete (time, parameters) rather than changing it afterwards.
/// </summary>
public sealed class SharedWorkTests
{
    /// <summary>
    /// A plain <see cref="IExplainer"/> that writes a NaN into the batch it explains (no real method does): the set
    /// checked the batch before running any method, so a method that checked it again would refuse it.
    /// </summary>
    private sealed class BatchSpoiler(nn.Module<Tensor, Tensor> model) : IExplainer
    {
        public string Name => "BatchSpoiler";

        public nn.Module<Tensor, Tensor> Model { get; } = model;

        public Explanation Explain(Tensor inputs, Targets targets)
        {
            inputs[0, 0, 0, 0].fill_(float.NaN);
            var (n, h, w) = (inputs.size(0), inputs.size(2), inputs.size(3));
            var info = new ExplanationInfo(Name, 0, new Dictionary<string, string>(), TimeSpan.FromTicks(1));
            return new Attribution(info, torch.zeros(inputs.shape), torch.zeros([n, h, w]), torch.zeros([n, h, w]), inputs.clone(), new long[n], new float[n]);
        }
    }

    [Fact]
    public void TheDefaultLayerIsProbedOnceAndTheOnePassMethodsTakeOnePass()
    {
        torch.manual_seed(75);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([5, 1, 8, 8]);
        var set = new ExplainerSet([new GradCam(model), new VanillaGradients(model), new GradientsInputs(model), new FullGrad(model)]);
        var calls = ForwardCalls.BatchSizes(model, () =>
        {
            foreach (var explanation in set.Explain(x, Targets.Predicted))
            {
                explanation.Dispose();
            }
        });
        // One probe of one image finds Grad-CAM's default layer; one pass over the five images serves all four methods.
        Assert.Equal([1L, 5L], calls);

        // The model's default layer is known from then on, for any explainer of it and inputs of that image shape.
        Assert.Equal([5L], ForwardCalls.BatchSizes(model, () => new GradCam(model).Explain(x, Targets.Predicted).Dispose()));
        Assert.Equal([3L], ForwardCalls.BatchSizes(model, () => new GradCam(model).Explain(torch.rand([3, 1, 8, 8]), Targets.Predicted).Dispose()));
    }

    [Fact]
    public void AnotherImageSizeIsProbedAgain()
    {
        torch.manual_seed(77);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.GapLinear();
        var calls = ForwardCalls.Shapes(model, () =>
        {
            foreach (var side in new[] { 8, 8, 12 })
            {
                new GradCam(model).Explain(torch.rand([2, 1, side, side]), Targets.Predicted).Dispose();
            }
        });
        Assert.Equal([[1, 1, 8, 8], [2, 1, 8, 8], [2, 1, 8, 8], [1, 1, 12, 12], [2, 1, 12, 12]], calls);
    }

    [Fact]
    public void TheBatchIsCheckedOnceAndCopiedToTheHostOnce()
    {
        torch.manual_seed(76);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([4, 1, 8, 8]);
        // Occlusion, alone with its internal batch size, plans nothing with the others; the logit one-pass methods share
        // a pass. All take the set's one check and one host copy.
        IExplainer[] methods = [new BatchSpoiler(model), new OcclusionSensitivity(model, patch: 4, stride: 4, internalBatchSize: 64), new VanillaGradients(model),
            new GradCam(model), new LayerActivations(model)];

        var explanations = new ExplainerSet(methods).Explain(x, Targets.Predicted);
        try
        {
            Assert.True(x.isnan().any().item<bool>(), "the spoiler wrote into the batch after the set's check");
            var hostInputs = explanations.Skip(1).OfType<Attribution>().Select(a => StorageOf(a.Inputs)).Distinct();
            Assert.Single(hostInputs);
            Assert.Equal(3, explanations.Skip(1).OfType<Attribution>().Count());
        }
        finally
        {
            foreach (var explanation in explanations)
            {
                explanation.Dispose();
            }
        }
        // Alone, a method checks its batch itself.
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => new OcclusionSensitivity(model).Explain(x, Targets.Predicted)).Message);
    }

    [Fact]
    public void ResultsAreCompleteWhenTheSetReturnsThem()
    {
        torch.manual_seed(77);
        using var scope = torch.NewDisposeScope();
        using var model = ExplainerModels.NestedConvNet();
        var x = torch.rand([3, 1, 8, 8]);
        var methods = ExplainerBehaviourTests.All(model);
        var explanations = new ExplainerSet(methods).Explain(x, Targets.Predicted);
        try
        {
            for (var i = 0; i < methods.Length; i++)
            {
                var e = explanations[i];
                Assert.Equal(methods[i].Name, e.Method);
                Assert.True(e.Elapsed > TimeSpan.Zero, $"{e.Method}: time {e.Elapsed}");
                Assert.True(e.Passes > 0, $"{e.Method}: {e.Passes} passes");
                Assert.Equal("256", e.Parameters["internal_batch_size"]);
                // Activations depend on no target, so they name neither the targets nor a score (issue 24).
                Assert.Equal(e is ActivationMaps ? null : "predicted", e.Parameters.GetValueOrDefault("targets"));
                Assert.Equal(e is not ActivationMaps, e.Parameters.ContainsKey("score"));
            }
            var shared = explanations.Where(e => e.Parameters.ContainsKey("gradient_pass")).Select(e => e.Method).Order();
            Assert.Equal(["FullGrad", "GradCam", "GradCamPlusPlus", "GradientsInputs", "LayerCam", "VanillaGradients"], shared);
            Assert.All(explanations.Where(e => e.Parameters.ContainsKey("gradient_pass")), e => Assert.Equal("shared by 6 methods", e.Parameters["gradient_pass"]));
        }
        finally
        {
            foreach (var explanation in explanations)
            {
                explanation.Dispose();
            }
        }
    }

    [Fact]
    public void ResultsHaveNothingToSetAfterConstruction()
    {
        var results = typeof(Explanation).Assembly.GetTypes().Where(t => t.IsPublic && typeof(Explanation).IsAssignableFrom(t));
        Assert.Equal(["ActivationMaps", "Attribution", "ClassImages", "Explanation"], results.Select(t => t.Name).Order());
        foreach (var type in results)
        {
            Assert.Empty(type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }).Select(p => $"{type.Name}.{p.Name}"));
        }
        // ExplanationInfo is an immutable record: its properties are set once, at construction (init), never after.
        Assert.All(typeof(ExplanationInfo).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }),
            p => Assert.True(IsInitOnly(p.SetMethod!), $"ExplanationInfo.{p.Name} has a setter"));
    }

    /// <summary>Where a tensor's elements live: the address of its storage.</summary>
    private static IntPtr StorageOf(Tensor tensor)
    {
        using var storage = tensor.storage<float>();
        return storage.data_ptr();
    }

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");
}
