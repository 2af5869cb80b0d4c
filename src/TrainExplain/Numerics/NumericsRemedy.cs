namespace TrainExplain.Numerics;

/// <summary>What <see cref="NumericsGuard"/> changed so that gradients are right on this machine.</summary>
public enum NumericsRemedy
{
    /// <summary>Nothing: oneDNN is used as libtorch chooses.</summary>
    None,

    /// <summary>
    /// oneDNN is off during the backward passes the library runs (explainers' gradients, <c>Trainer.Fit</c>'s
    /// <c>backward</c>, and any code inside <see cref="NumericsGuard.WithoutOneDnn"/>); forward passes keep it.
    /// </summary>
    OneDnnOffForBackward,

    /// <summary>oneDNN is off for the whole process.</summary>
    OneDnnOffForProcess,
}
