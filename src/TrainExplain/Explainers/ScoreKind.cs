namespace TrainExplain.Explainers;

/// <summary>What S_c(x) is: the target's logit (the default) or its softmax probability (METHODS.md, Conventions).</summary>
public enum ScoreKind
{
    /// <summary>The target class's logit.</summary>
    Logit,
    /// <summary>The target class's softmax probability over the logits.</summary>
    Probability,
}
