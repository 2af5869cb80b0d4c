namespace TrainExplain.TensorBoard;

/// <summary>One item of the writer queue: either a complete TFRecord to append, or a flush request to complete once written.</summary>
/// <param name="Record">The framed record bytes, or null for a flush request.</param>
/// <param name="Flushed">Completed when everything queued before it is in the file; null for a record.</param>
internal readonly record struct QueuedWrite(byte[]? Record, TaskCompletionSource? Flushed);
