namespace TrainExplain.TensorBoard;

/// <summary>How a run ended, for TensorBoard's HParams tab; the numbers are those of the HParams plugin's <c>Status</c>.</summary>
public enum HParamsStatus
{
    /// <summary>Ended, neither known to have succeeded nor failed (e.g. stopped by the user). A run that never wrote its end shows so too.</summary>
    Unknown = 0,

    /// <summary>Ran to its end.</summary>
    Success = 1,

    /// <summary>Failed (e.g. its loss diverged).</summary>
    Failure = 2,

    /// <summary>Still running.</summary>
    Running = 3,
}
