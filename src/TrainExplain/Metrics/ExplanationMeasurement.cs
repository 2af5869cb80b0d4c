namespace TrainExplain.Metrics;

/// <summary>What one <see cref="ExplanationMonitor.Measure"/> call found, by method name, and the same figures as described scalars.</summary>
public sealed class ExplanationMeasurement
{
    internal ExplanationMeasurement(IReadOnlyDictionary<string, FaithfulnessScores> faithfulness, IReadOnlyDictionary<string, double> stability,
        IReadOnlyList<(string Tag, double Value, string Description, string DisplayName)> scalars) =>
        (Faithfulness, Stability, Scalars) = (faithfulness, stability, scalars);

    /// <summary>Each measured method's deletion and insertion AUCs, and <see cref="ExplanationMonitor.ChanceName"/>'s when the random order was measured.</summary>
    public IReadOnlyDictionary<string, FaithfulnessScores> Faithfulness { get; }

    /// <summary>Each method's stability against its maps of the previous call (absent at its first call, or when the batch changed size).</summary>
    public IReadOnlyDictionary<string, double> Stability { get; }

    /// <summary>
    /// Every figure as a TensorBoard scalar, in the order the callback logs them: per method its mean deletion and
    /// insertion AUC, the milliseconds they took and its stability; then the random order's. Each with its tag, a
    /// description that says what the number means, and the title TensorBoard shows (e.g. <c>Deletion AUC, GradCam</c>).
    /// </summary>
    public IReadOnlyList<(string Tag, double Value, string Description, string DisplayName)> Scalars { get; }
}
