using System.Globalization;

namespace TrainExplain.Numerics;

/// <summary>
/// What <see cref="NumericsGuard"/> checked, found and changed in this process.
/// </summary>
/// <param name="Mode">The mode it ran in.</param>
/// <param name="ShapesChecked">How many convolution shapes were checked, in rounds of 24 until one was wrong (0 when the mode skips the check or the device is not the CPU).</param>
/// <param name="ShapesWrong">How many of them had a float32 input or weight gradient off from float64 by more than <see cref="NumericsGuard.Tolerance"/>, as libtorch first chose its kernels.</param>
/// <param name="LargestError">The largest error seen, relative to the largest float64 gradient value.</param>
/// <param name="Remedy">What was changed.</param>
/// <param name="ShapesWrongAfterRemedy">How many were still wrong after the remedy (0 when none was needed).</param>
/// <param name="NnpackDisabled">Whether NNPACK was turned off because it does not initialize on this CPU (libtorch would print a warning on every convolution).</param>
/// <param name="Elapsed">What the check cost.</param>
public sealed record NumericsReport(OneDnnMode Mode, int ShapesChecked, int ShapesWrong, double LargestError, NumericsRemedy Remedy,
    int ShapesWrongAfterRemedy, bool NnpackDisabled, TimeSpan Elapsed)
{
    /// <summary>A report of a run that checked nothing: a mode that skips the check, or a model not on the CPU.</summary>
    internal static NumericsReport Unchecked(OneDnnMode mode, NumericsRemedy remedy, bool nnpackDisabled, TimeSpan elapsed) =>
        new(mode, 0, 0, 0, remedy, 0, nnpackDisabled, elapsed);

    /// <summary>Whether the check found oneDNN's gradients wrong on this machine.</summary>
    public bool OneDnnWrong => ShapesWrong > 0;

    /// <summary>One sentence: what was checked, found and done.</summary>
    public string Summary => (Mode, ShapesChecked, Remedy) switch
    {
        (OneDnnMode.On, _, _) => "oneDNN trusted (TRAINEXPLAIN_ONEDNN=on): convolution gradients not checked",
        (OneDnnMode.Off, _, _) => "oneDNN off for the process (TRAINEXPLAIN_ONEDNN=off): convolution gradients not checked",
        (_, 0, _) => "convolution gradients not checked: the model is not on the CPU",
        (_, _, NumericsRemedy.None) => Invariant($"convolution gradients right in float32 against float64 ({ShapesChecked} shapes, {Elapsed.TotalMilliseconds:F0} ms)"),
        _ => $"oneDNN computed wrong convolution gradients on this CPU ({Finding}); " +
             (Remedy == NumericsRemedy.OneDnnOffForBackward ? "oneDNN is off for TrainExplain's backward passes" : "oneDNN is off for the whole process") +
             Invariant($", and a new check finds them right ({Elapsed.TotalMilliseconds:F0} ms)"),
    };

    /// <summary>What the check found wrong, e.g. "15 of 24 shapes, errors up to 84% of the largest value".</summary>
    internal string Finding => Invariant($"{ShapesWrong} of {ShapesChecked} shapes, ") +
        (double.IsFinite(LargestError) ? Invariant($"errors up to {LargestError * 100:F0}% of the largest value") : "some with non-finite gradients");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
