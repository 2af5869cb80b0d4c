using System.Runtime.CompilerServices;

namespace MnistTrainer.Tests.Support;

/// <summary>
/// The test executable is an application, and makes the application's choice that MnistTrainer makes: libtorch's buffers
/// stay in glibc's heap (<see cref="TrainExplain.NativeHeap.Tune"/>), from before the first test.
/// </summary>
internal static class TunedHeap
{
    [ModuleInitializer]
    internal static void Tune() => TrainExplain.NativeHeap.Tune();
}
