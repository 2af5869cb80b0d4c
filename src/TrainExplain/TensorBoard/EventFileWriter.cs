using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;

namespace TrainExplain.TensorBoard;

/// <summary>
/// Appends framed records to one event file from a background thread. Producers enqueue into a bounded channel
/// (blocking when it is full, which is the back-pressure); the thread gathers records in memory and writes whole
/// records only, at least every flush interval, on <see cref="Flush"/> and on <see cref="Dispose"/>. A write error
/// stops the thread and is rethrown, wrapped in an <see cref="IOException"/>, by the next call.
/// </summary>
internal sealed class EventFileWriter : IDisposable
{
    // Gathered records are written once this many bytes wait, so a burst of images needs few system calls.
    private const int WriteThreshold = 1 << 20;

    private readonly Stream file;
    private readonly string path;
    private readonly TimeSpan flushInterval;
    private readonly Channel<QueuedWrite> queue;
    private readonly ArrayBufferWriter<byte> pending = new();
    private readonly Thread thread;
    private volatile Exception? failure;
    private int disposed;

    /// <summary>Writes <paramref name="firstRecord"/> and flushes it at once, then starts the background thread.</summary>
    public EventFileWriter(Stream file, string path, byte[] firstRecord, int queueCapacity, TimeSpan flushInterval)
    {
        this.file = file;
        this.path = path;
        this.flushInterval = flushInterval;
        this.file.Write(firstRecord);
        this.file.Flush();
        queue = Channel.CreateBounded<QueuedWrite>(new BoundedChannelOptions(queueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        thread = new Thread(WriteLoop) { IsBackground = true, Name = $"TensorBoard event writer {Path.GetFileName(path)}" };
        this.thread.Start();
    }

    /// <summary>Queues a complete record, waiting while the queue is full.</summary>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    /// <exception cref="IOException">An earlier write failed.</exception>
    public void Enqueue(byte[] record) => Send(new QueuedWrite(record, null));

    /// <summary>Returns once every record queued before this call has been written to the file.</summary>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    /// <exception cref="IOException">A write failed.</exception>
    public void Flush()
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Send(new QueuedWrite(null, flushed));
        flushed.Task.GetAwaiter().GetResult();
    }

    /// <summary>Writes everything queued, closes the file and rethrows a write failure; later calls do nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref this.disposed, 1) == 1)
        {
            return;
        }

        this.queue.Writer.TryComplete();
        this.thread.Join();
        try
        {
            this.file.Dispose();
        }
        catch (IOException e)
        {
            this.failure ??= e;
        }

        ThrowIfFailed();
    }

    private void Send(QueuedWrite item)
    {
        ThrowIfFailed();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref this.disposed) == 1, this);
        try
        {
            if (!this.queue.Writer.TryWrite(item))
            {
                this.queue.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
            }
        }
        catch (ChannelClosedException)
        {
            ThrowIfFailed();
            throw new ObjectDisposedException(nameof(EventFileWriter), $"The event writer for '{this.path}' was disposed.");
        }
    }

    private void ThrowIfFailed()
    {
        if (this.failure is { } failure)
        {
            throw Failed(failure);
        }
    }

    private IOException Failed(Exception failure) =>
        new($"Writing the event file '{this.path}' failed: {failure.Message}", failure);

    private void WriteLoop()
    {
        try
        {
            var reader = this.queue.Reader;
            var lastWrite = Stopwatch.GetTimestamp();
            Task<bool>? waiting = null;
            while (true)
            {
                while (reader.TryRead(out var item))
                {
                    Process(item, ref lastWrite);
                }

                var untilDue = this.flushInterval - Stopwatch.GetElapsedTime(lastWrite);
                if (pending.WrittenCount > 0 && untilDue <= TimeSpan.Zero)
                {
                    WritePending(ref lastWrite);
                    continue;
                }

                waiting ??= reader.WaitToReadAsync().AsTask();
                if (!waiting.Wait(pending.WrittenCount > 0 ? untilDue : Timeout.InfiniteTimeSpan))
                {
                    continue;
                }

                if (!waiting.Result)
                {
                    break;
                }

                waiting = null;
            }

            WritePending(ref lastWrite);
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    private void Process(QueuedWrite item, ref long lastWrite)
    {
        if (item.Record is { } record)
        {
            pending.Write(record);
            if (pending.WrittenCount >= WriteThreshold)
            {
                WritePending(ref lastWrite);
            }

            return;
        }

        try
        {
            WritePending(ref lastWrite);
            item.Flushed!.TrySetResult();
        }
        catch (Exception e)
        {
            // Record the failure before waking the caller, whose next call must see it; this request is already
            // out of the queue, so Fail's draining does not reach it.
            Fail(e);
            item.Flushed!.TrySetException(Failed(e));
            throw;
        }
    }

    private void WritePending(ref long lastWrite)
    {
        if (pending.WrittenCount > 0)
        {
            // One write of whole records: a crash can cut the file only at or inside the last record, never rewrite it.
            this.file.Write(pending.WrittenSpan);
            this.file.Flush();
            pending.ResetWrittenCount();
        }

        lastWrite = Stopwatch.GetTimestamp();
    }

    private void Fail(Exception failure)
    {
        this.failure ??= failure;
        this.queue.Writer.TryComplete(failure);
        while (this.queue.Reader.TryRead(out var item))
        {
            item.Flushed?.TrySetException(Failed(failure));
        }
    }
}
