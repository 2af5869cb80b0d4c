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

    private readonly Stream _file;
    private readonly string _path;
    private readonly TimeSpan _flushInterval;
    private readonly Channel<QueuedWrite> _queue;
    private readonly ArrayBufferWriter<byte> _pending = new();
    private readonly Thread _thread;
    private volatile Exception? _failure;
    private int _disposed;

    /// <summary>Writes <paramref name="firstRecord"/> and flushes it at once, then starts the background thread.</summary>
    public EventFileWriter(Stream file, string path, byte[] firstRecord, int queueCapacity, TimeSpan flushInterval)
    {
        _file = file;
        _path = path;
        _flushInterval = flushInterval;
        _file.Write(firstRecord);
        _file.Flush();
        _queue = Channel.CreateBounded<QueuedWrite>(new BoundedChannelOptions(queueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _thread = new Thread(WriteLoop) { IsBackground = true, Name = $"TensorBoard event writer {Path.GetFileName(path)}" };
        _thread.Start();
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
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        _thread.Join();
        try
        {
            _file.Dispose();
        }
        catch (IOException e)
        {
            _failure ??= e;
        }

        ThrowIfFailed();
    }

    private void Send(QueuedWrite item)
    {
        ThrowIfFailed();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        try
        {
            if (!_queue.Writer.TryWrite(item))
            {
                _queue.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
            }
        }
        catch (ChannelClosedException)
        {
            ThrowIfFailed();
            throw new ObjectDisposedException(nameof(EventFileWriter), $"The event writer for '{_path}' was disposed.");
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw Failed(failure);
        }
    }

    private IOException Failed(Exception failure) =>
        new($"Writing the event file '{_path}' failed: {failure.Message}", failure);

    private void WriteLoop()
    {
        try
        {
            var reader = _queue.Reader;
            var lastWrite = Stopwatch.GetTimestamp();
            Task<bool>? waiting = null;
            while (true)
            {
                while (reader.TryRead(out var item))
                {
                    Process(item, ref lastWrite);
                }

                var untilDue = _flushInterval - Stopwatch.GetElapsedTime(lastWrite);
                if (_pending.WrittenCount > 0 && untilDue <= TimeSpan.Zero)
                {
                    WritePending(ref lastWrite);
                    continue;
                }

                waiting ??= reader.WaitToReadAsync().AsTask();
                if (!waiting.Wait(_pending.WrittenCount > 0 ? untilDue : Timeout.InfiniteTimeSpan))
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
            _pending.Write(record);
            if (_pending.WrittenCount >= WriteThreshold)
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
        if (_pending.WrittenCount > 0)
        {
            // One write of whole records: a crash can cut the file only at or inside the last record, never rewrite it.
            _file.Write(_pending.WrittenSpan);
            _file.Flush();
            _pending.ResetWrittenCount();
        }

        lastWrite = Stopwatch.GetTimestamp();
    }

    private void Fail(Exception failure)
    {
        _failure ??= failure;
        _queue.Writer.TryComplete(failure);
        while (_queue.Reader.TryRead(out var item))
        {
            item.Flushed?.TrySetException(Failed(failure));
        }
    }
}
