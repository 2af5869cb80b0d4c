using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace TrainExplain.Numerics;

/// <summary>
/// Makes sure the gradients behind every explanation and training step are right on this machine. libtorch's float32
/// kernels differ by CPU: on AVX-512 (and AVX2) machines libtorch 2.10's oneDNN computes wrong convolution input
/// gradients for out-channel counts that are not a multiple of 16 (or 8), by up to 180% of the largest value, while
/// forward passes and weight gradients stay right. So at first use on the CPU, before any explainer or training pass,
/// the guard checks a few convolutions' input and weight gradients in float32 against float64
/// (<see cref="ConvolutionGradientCheck"/>: up to 4 rounds of 24 shapes, 0.3-0.5 s at first use). If they are wrong it turns oneDNN off for the backward
/// passes the library runs (forward passes keep it), checks again, and if that is not enough turns oneDNN off for the
/// whole process; it says once on <see cref="LibraryWarnings"/> what it found and did. If nothing makes the gradients
/// right, or libtorch's switch cannot be found, it throws <see cref="NumericsException"/> instead of letting a wrong
/// picture through. It also turns NNPACK off where NNPACK cannot initialize, so libtorch does not print a warning per
/// convolution. <see cref="Configure"/> or <c>TRAINEXPLAIN_ONEDNN</c> (<c>auto</c>, <c>off</c>, <c>on</c>) choose
/// another <see cref="OneDnnMode"/>. CUDA devices are not checked.
/// </summary>
public static class NumericsGuard
{
    /// <summary>The environment variable that chooses the <see cref="OneDnnMode"/>: <c>auto</c> (default), <c>off</c> or <c>on</c>.</summary>
    public const string EnvironmentVariable = "TRAINEXPLAIN_ONEDNN";

    /// <summary>The largest float32 error tolerated, relative to the largest float64 gradient value (right kernels stay below 1e-6).</summary>
    public const double Tolerance = 1e-4;

    private static readonly Lock Gate = new();
    private static readonly Lock RegionGate = new();
    private static OneDnnMode? configured;
    private static NumericsReport? report;
    private static ExceptionDispatchInfo? failure;
    private static bool prepared;
    private static int oneDnnOffDepth;
    private static bool oneDnnBefore;
    private static int checksRun;

    /// <summary>The mode in force: the one given to <see cref="Configure"/>, else <c>TRAINEXPLAIN_ONEDNN</c>'s, else <see cref="OneDnnMode.Auto"/>.</summary>
    public static OneDnnMode Mode => configured ?? ParseMode(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>What the guard checked, found and changed so far; null before the library's first pass.</summary>
    public static NumericsReport? Report => report;

    /// <summary>How many times the float32-against-float64 check has run in this process (once at most).</summary>
    internal static int ChecksRun => checksRun;

    /// <summary>Chooses the mode; call it before the library's first pass (afterwards the guard has acted already).</summary>
    /// <exception cref="InvalidOperationException">The guard has already run in this process.</exception>
    public static void Configure(OneDnnMode mode)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Expected Auto, Off or On.");
        }
        lock (Gate)
        {
            if (prepared)
            {
                throw new InvalidOperationException($"The numerics guard has already run in this process ({report?.Summary}); call NumericsGuard.Configure before the first explainer or training pass.");
            }
            configured = mode;
        }
    }

    /// <summary>
    /// Runs the guard for a model on <paramref name="device"/> (the CPU when null), once per process; the library calls
    /// it before its first pass, so users need not. Returns what it found.
    /// </summary>
    /// <exception cref="NumericsException">Convolution gradients are wrong here and could not be made right.</exception>
    public static NumericsReport EnsureChecked(Device? device = null)
    {
        var cpu = device is null || device.type == DeviceType.CPU;
        if (Settled(cpu) is { } done)
        {
            return done;
        }
        lock (Gate)
        {
            if (Settled(cpu) is { } raced)
            {
                return raced;
            }
            try
            {
                return report = Run(cpu);
            }
            catch (NumericsException e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
                throw;
            }
        }
    }

    /// <summary>
    /// oneDNN off until the result is disposed, then as it was (nested and concurrent regions count: the last one out
    /// restores it). The library wraps its backward passes in one when the guard chose
    /// <see cref="NumericsRemedy.OneDnnOffForBackward"/>; wrap your own training loop's <c>backward</c> in one on such a
    /// machine. The switch is process-wide: other threads' passes meanwhile run without oneDNN too (right, only slower).
    /// </summary>
    public static IDisposable WithoutOneDnn()
    {
        lock (RegionGate)
        {
            if (oneDnnOffDepth++ == 0)
            {
                oneDnnBefore = LibTorchContext.OneDnnEnabled;
                LibTorchContext.OneDnnEnabled = false;
            }
        }
        return new OneDnnOffRegion();
    }

    /// <summary>
    /// The report that already answers for a model on the CPU (<paramref name="cpu"/>) or elsewhere, or null when the
    /// guard has to run; the failure of an earlier run is thrown again rather than checked again.
    /// </summary>
    private static NumericsReport? Settled(bool cpu)
    {
        failure?.Throw();
        return report is { } done && (!cpu || done.ShapesChecked > 0 || done.Mode != OneDnnMode.Auto) ? done : null;
    }

    /// <summary>The region a library backward pass runs in: without oneDNN when the guard chose that remedy, else nothing.</summary>
    internal static IDisposable BackwardPass() => report?.Remedy == NumericsRemedy.OneDnnOffForBackward ? WithoutOneDnn() : NoRegion.Instance;

    /// <summary>The mode a <c>TRAINEXPLAIN_ONEDNN</c> value names (null or empty: <see cref="OneDnnMode.Auto"/>).</summary>
    /// <exception cref="ArgumentException">Another value.</exception>
    internal static OneDnnMode ParseMode(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => OneDnnMode.Auto,
        "off" => OneDnnMode.Off,
        "on" => OneDnnMode.On,
        _ => throw new ArgumentException($"{EnvironmentVariable}='{value}' is not a oneDNN mode; expected auto, off or on."),
    };

    private static NumericsReport Run(bool cpu)
    {
        var clock = Stopwatch.StartNew();
        var mode = Mode;
        prepared = true;
        torch.InitializeDeviceType(DeviceType.CPU);
        var nnpackDisabled = DisableNnpackWhereItCannotInitialize();
        switch (mode)
        {
            case OneDnnMode.On:
                return NumericsReport.Unchecked(mode, NumericsRemedy.None, nnpackDisabled, clock.Elapsed);
            case OneDnnMode.Off:
                Reach(() => LibTorchContext.OneDnnEnabled = false, e => new NumericsException(
                    $"{EnvironmentVariable}=off needs libtorch's oneDNN switch, which could not be reached ({e.Message}).",
                    NumericsReport.Unchecked(mode, NumericsRemedy.None, nnpackDisabled, clock.Elapsed), e));
                return NumericsReport.Unchecked(mode, NumericsRemedy.OneDnnOffForProcess, nnpackDisabled, clock.Elapsed);
            case OneDnnMode.Auto when !cpu:
                return NumericsReport.Unchecked(mode, NumericsRemedy.None, nnpackDisabled, clock.Elapsed);
        }
        checksRun++;
        var (shapes, wrong, largest) = ConvolutionGradientCheck.Run(() => NoRegion.Instance, Tolerance);
        if (wrong == 0)
        {
            return new(mode, shapes, 0, largest, NumericsRemedy.None, 0, nnpackDisabled, clock.Elapsed);
        }
        var found = new NumericsReport(mode, shapes, wrong, largest, NumericsRemedy.None, wrong, nnpackDisabled, clock.Elapsed);
        var (remedy, after) = Reach(Remedy, e => new NumericsException(
            $"libtorch computes wrong convolution gradients on this CPU ({found.Finding}), and its oneDNN switch could not be reached ({e.Message}); " +
            $"explanations and training would be wrong. Set {EnvironmentVariable}=on to go on regardless.", found, e));
        var result = found with { Remedy = remedy, ShapesWrongAfterRemedy = after, Elapsed = clock.Elapsed };
        if (after > 0)
        {
            throw new NumericsException(
                $"libtorch computes wrong convolution gradients on this CPU ({found.Finding}), and they stay wrong ({after} shapes) with oneDNN off; " +
                $"explanations and training would be wrong. Set {EnvironmentVariable}=on to go on regardless.", result);
        }
        LibraryWarnings.Write(result.Summary + $". Set {EnvironmentVariable}=on or off to choose yourself.");
        return result;
    }

    /// <summary>oneDNN off for backward passes if that makes the check pass, else for the process; the shapes still wrong after.</summary>
    private static (NumericsRemedy Remedy, int Wrong) Remedy()
    {
        var (_, wrong, _) = ConvolutionGradientCheck.Run(WithoutOneDnn, Tolerance);
        if (wrong == 0)
        {
            return (NumericsRemedy.OneDnnOffForBackward, 0);
        }
        LibTorchContext.OneDnnEnabled = false;
        return (NumericsRemedy.OneDnnOffForProcess, ConvolutionGradientCheck.Run(() => NoRegion.Instance, Tolerance).Wrong);
    }

    /// <summary>NNPACK off where it cannot initialize (libtorch would print a warning per convolution); a libtorch without the switch is left as it is.</summary>
    private static bool DisableNnpackWhereItCannotInitialize()
    {
        try
        {
            if (!LibTorchContext.NnpackEnabled || LibTorchContext.NnpackInitializes())
            {
                return false;
            }
            LibTorchContext.NnpackEnabled = false;
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Runs a call into libtorch's unbound switches; a libtorch without them ends in the exception <paramref name="failure"/> makes.</summary>
    private static T Reach<T>(Func<T> call, Func<Exception, NumericsException> failure)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            throw failure(e);
        }
    }

    private static void LeaveOneDnnOffRegion()
    {
        lock (RegionGate)
        {
            if (--oneDnnOffDepth == 0)
            {
                LibTorchContext.OneDnnEnabled = oneDnnBefore;
            }
        }
    }

    /// <summary>One <see cref="WithoutOneDnn"/> region; disposing it twice leaves it once.</summary>
    private sealed class OneDnnOffRegion : IDisposable
    {
        private int left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref left, 1) == 0)
            {
                LeaveOneDnnOffRegion();
            }
        }
    }

    /// <summary>A region that changes nothing.</summary>
    private sealed class NoRegion : IDisposable
    {
        internal static readonly NoRegion Instance = new();

        public void Dispose()
        {
        }
    }
}
