namespace TrainExplain.TensorBoard;

/// <summary>
/// What <see cref="TensorBoardWriter.AddHistogram(string, Tensor, long, int, DateTimeOffset?, string?, string?)"/> logged: the
/// finite values go into the histogram, NaN and infinities are only counted, so a diverging run keeps logging.
/// </summary>
/// <param name="Counted">How many finite values the logged histogram holds; 0 when nothing was written.</param>
/// <param name="NotFinite">How many values were NaN or infinite and left out.</param>
public readonly record struct HistogramOutcome(long Counted, long NotFinite)
{
    /// <summary>Whether a histogram was written: false when the tensor is empty or no value is finite.</summary>
    public bool Written => Counted > 0;

    /// <summary>Whether every value was finite (and so counted).</summary>
    public bool AllFinite => NotFinite == 0;
}
