using TrainExplain.Data;
using TrainExplain.Tests.Support;
using TrainExplain.Tests.UserModels;

namespace TrainExplain.Tests.Data;

/// <summary>What every refused weights file must give: one clear error naming the file, the weights untouched, nothing large allocated, nothing leaked.</summary>
internal static class WeightsAssert
{
    /// <summary>Managed bytes a refusal may allocate: the checks read headers and pickles, never the tensors a file claims.</summary>
    private const long AllocationLimit = 16 << 20;

    /// <summary>Loads <paramref name="path"/> into <paramref name="model"/> and checks that it fails as promised; returns the error.</summary>
    internal static T Refused<T>(nn.Module model, string path) where T : Exception
    {
        var before = UserModelExplainerTests.Snapshot(model);
        var tensors = LiveTensors.Baseline();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<T>(() => ModelWeights.Load(model, path));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.True(allocated < AllocationLimit, $"refusing {path} allocated {allocated} bytes");
        Assert.StartsWith($"{path}: ", error.Message);
        UserModelExplainerTests.AssertSameState(before, model);
        tensors.AssertUnchanged();
        return error;
    }
}
