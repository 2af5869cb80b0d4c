using System.Globalization;
using TrainExplain.Explainers;
using TrainExplain.Metrics;
using TrainExplain.Numerics;

// Usage: TrainExplain.Tests.MemoryChild actmax|ig|curves <steps> [<steps> ...]
// For each given number of steps in turn, runs one piece of work on a linear model of 32x32 images, then prints the
// process's peak resident set so far in KiB (VmHWM of /proc/self/status):
//   actmax: activation maximization of 64 classes;
//   ig:     integrated gradients of one image, <steps> points on its path;
//   curves: the deletion and insertion curves of one image's vanilla gradients, <steps> steps each.
var work = args.Length > 0 ? args[0] : "";
var steps = args.Skip(1).Select(a => int.TryParse(a, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 0).ToArray();
if (args.Length < 2 || work is not ("actmax" or "ig" or "curves") || steps.Contains(0))
{
    Console.Error.WriteLine("Usage: TrainExplain.Tests.MemoryChild actmax|ig|curves <steps> [<steps> ...]");
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
using var image = rand([1, 1, Size, Size]);
using var target = tensor(new long[] { 3 });
foreach (var count in steps)
{
    switch (work)
    {
        case "actmax":
            using (new ActivationMaximization(model, [.. Enumerable.Range(0, Classes).Select(c => (long)c)], imageShape: [1, Size, Size], steps: count).Visualize())
            {
            }
            break;
        case "ig":
            using (new IntegratedGradients(model, steps: count).Explain(image, Targets.Labels(target)))
            {
            }
            break;
        default:
            using (var gradients = new VanillaGradients(model).Explain(image, Targets.Labels(target)))
            {
                new ExplanationMonitor(count).Measure(model, image, [gradients]);
            }
            break;
    }
    var peak = File.ReadLines("/proc/self/status").Single(line => line.StartsWith("VmHWM:", StringComparison.Ordinal));
    Console.WriteLine(peak.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
return 0;
