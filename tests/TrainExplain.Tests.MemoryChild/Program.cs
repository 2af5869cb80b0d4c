using System.Globalization;
using TrainExplain.Explainers;
using TrainExplain.Numerics;

// Usage: TrainExplain.Tests.MemoryChild actmax <steps> [<steps> ...]
// Runs activation maximization of 64 classes of a linear model on 32x32 images for each given number of steps in turn,
// printing after each run the process's peak resident set so far in KiB (VmHWM of /proc/self/status).
var steps = args.Skip(1).Select(a => int.TryParse(a, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 0).ToArray();
if (args.Length < 2 || args[0] != "actmax" || steps.Contains(0))
{
    Console.Error.WriteLine("Usage: TrainExplain.Tests.MemoryChild actmax <steps> [<steps> ...]");
    return 2;
}

// A linear model has no convolution, so the oneDNN check has nothing to guard and would only cost time. One libtorch
// thread: on a loaded machine its spinning worker threads made 200 steps take 22 s of CPU instead of 0.5 s, and the
// peak memory is the same.
NumericsGuard.Configure(OneDnnMode.Off);
torch.set_num_threads(1);
const int Classes = 64;
const int Size = 32;
manual_seed(5);
using var model = nn.Sequential(nn.Flatten(), nn.Linear(Size * Size, Classes));
foreach (var count in steps)
{
    var visualizer = new ActivationMaximization(model, [.. Enumerable.Range(0, Classes).Select(c => (long)c)], imageShape: [1, Size, Size], steps: count);
    using (visualizer.Visualize())
    {
    }
    var peak = File.ReadLines("/proc/self/status").Single(line => line.StartsWith("VmHWM:", StringComparison.Ordinal));
    Console.WriteLine(peak.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
return 0;
