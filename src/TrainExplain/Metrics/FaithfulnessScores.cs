namespace TrainExplain.Metrics;

/// <summary>Deletion and insertion AUCs of one batch: one value per image, in [0, 1], and their means.</summary>
public sealed class FaithfulnessScores
{
    internal FaithfulnessScores(float[] deletion, float[] insertion) => (Deletion, Insertion) = (deletion, insertion);

    /// <summary>Deletion AUC of each image: lower means the map found the pixels the model relies on.</summary>
    public IReadOnlyList<float> Deletion { get; }

    /// <summary>Insertion AUC of each image: higher means the map found the pixels the model relies on.</summary>
    public IReadOnlyList<float> Insertion { get; }

    /// <summary>The mean deletion AUC over the batch.</summary>
    public double MeanDeletion => Deletion.Average(v => (double)v);

    /// <summary>The mean insertion AUC over the batch.</summary>
    public double MeanInsertion => Insertion.Average(v => (double)v);
}
