using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Ingestion;

namespace Telemetry.Kafka.Consuming;

/// <summary>
/// Owns one assigned partition: accumulates its records into batches and processes them one at a time, so order is
/// kept within the partition while partitions run independently. It never touches the consumer: it reports finalised
/// offsets through a callback that the consume loop applies on its own thread.
/// </summary>
internal sealed class PartitionWorker : IDisposable
{
    // Records arrive in chunks, not one by one: a write that finds the worker waiting wakes it through the thread
    // pool, and one wake-up per record (with a fresh batch-timeout timer per wait) cost about 15 % of the CPU of the
    // bench's kafka run, on the same cores librdkafka's fetcher needs.
    private readonly Channel<List<ConsumedRecord>> _inbox = Channel.CreateUnbounded<List<ConsumedRecord>>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = false });

    private readonly BatchLimits _limits;
    private readonly IStandaloneBatchProcessor _processor;
    private readonly SemaphoreSlim _inFlight;
    private readonly Action<PartitionWorker, long> _onFinalised;
    private readonly Action _onBatchTaken;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abandon = new();
    private List<ConsumedRecord>? _staged;
    private long _stagedBytes;
    private List<ConsumedRecord>? _chunk;
    private int _chunkIndex;
    private int _buffered;
    private long _bufferedBytes;
    private long _finalisedThrough = -1;
    private Task _run = Task.CompletedTask;

    public PartitionWorker(
        string topic,
        int partition,
        BatchLimits limits,
        IStandaloneBatchProcessor processor,
        SemaphoreSlim inFlight,
        Action<PartitionWorker, long> onFinalised,
        Action onBatchTaken,
        ILogger logger)
    {
        this.Topic = topic;
        this.Partition = partition;
        _limits = limits;
        _processor = processor;
        _inFlight = inFlight;
        _onFinalised = onFinalised;
        _onBatchTaken = onBatchTaken;
        _logger = logger;
    }

    public string Topic { get; }

    public int Partition { get; }

    /// <summary>Records received but not yet taken into a batch (the back-pressure signal).</summary>
    public int Buffered => Volatile.Read(ref _buffered);

    public long BufferedBytes => Interlocked.Read(ref _bufferedBytes);

    /// <summary>Offset of the first record this worker received; lag counts from here until something is finalised.</summary>
    public long FirstOffsetSeen { get; private set; } = -1;

    public bool Paused { get; set; }

    public void Start() => _run = Task.Run(this.RunAsync);

    /// <summary>
    /// Takes a record on the consume loop thread. It is handed to the worker with the records staged before it once
    /// a batch's worth has gathered or <see cref="Flush"/> is called; the loop flushes whenever it polls empty-handed
    /// and at least every few milliseconds, so staging never holds a batch back past its timeout.
    /// </summary>
    /// <returns>The bytes the record counts for (key plus value), as every bound measures them.</returns>
    public long Enqueue(ConsumedRecord record)
    {
        if (this.FirstOffsetSeen < 0)
        {
            this.FirstOffsetSeen = record.Offset;
        }

        var size = PartitionBatch.SizeOf(record);
        Interlocked.Increment(ref _buffered);
        Interlocked.Add(ref _bufferedBytes, size);
        (_staged ??= new List<ConsumedRecord>(Math.Min(_limits.MaxRecords, 1024))).Add(record);
        _stagedBytes += size;
        if (_staged.Count >= _limits.MaxRecords || _stagedBytes >= _limits.MaxBytes)
        {
            this.Flush();
        }

        return size;
    }

    /// <summary>Hands the staged records to the worker. Called by the consume loop thread only.</summary>
    public void Flush()
    {
        if (_staged is null)
        {
            return;
        }

        _inbox.Writer.TryWrite(_staged);
        _staged = null;
        _stagedBytes = 0;
    }

    /// <summary>
    /// Stops taking new batches, lets the batch in progress finish for up to <paramref name="grace"/>, then abandons it.
    /// Buffered records that were never processed are dropped; they are redelivered from the committed offset.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        _inbox.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (!_run.IsCompleted && grace > TimeSpan.Zero)
        {
            await Task.WhenAny(_run, Task.Delay(grace)).ConfigureAwait(false);
        }

        if (!_run.IsCompleted)
        {
            _logger.AbandoningBatch(this.Topic, this.Partition, (int)grace.TotalMilliseconds);
            await _abandon.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Abandoned on purpose.
        }
    }

    /// <summary>Frees the cancellation sources; call after <see cref="StopAsync"/>, which waits for the run to end.</summary>
    public void Dispose()
    {
        _stopping.Dispose();
        _abandon.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var batch = await this.NextBatchAsync().ConfigureAwait(false);
            if (batch is null)
            {
                return;
            }

            var failures = 0;
            while (true)
            {
                try
                {
                    await _inFlight.WaitAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var context = new StandaloneBatchContext(this.Finalise, _inFlight, _stopping.Token, _abandon.Token);
                try
                {
                    await _processor.ProcessAsync(batch, context).ConfigureAwait(false);
                    break;
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // A processor is expected to handle failures itself; anything that escapes is a fault we retry
                    // (never skip), so the batch is neither lost nor committed.
                    failures++;
                    _logger.BatchFailed(ex, this.Topic, this.Partition, batch.FirstOffset, batch.LastOffset, failures);
                    var delay = TimeSpan.FromMilliseconds(Math.Min(_limits.FaultBackoffMaxMs, 100 * Math.Pow(2, Math.Min(failures, 16))));
                    try
                    {
                        await context.BackoffAsync(delay).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        context.Release();
                        return;
                    }
                }
                finally
                {
                    context.Release();
                }
            }
        }
    }

    private void Finalise(long offset)
    {
        // Monotonic per partition: a processor may report the same point twice, never go back.
        if (offset > _finalisedThrough)
        {
            _finalisedThrough = offset;
            _onFinalised(this, offset);
        }
    }

    private async Task<PartitionBatch?> NextBatchAsync()
    {
        var reader = _inbox.Reader;
        var records = new List<ConsumedRecord>(Math.Min(_limits.MaxRecords, 1024));
        long bytes = 0;

        if (_chunk is null)
        {
            try
            {
                if (!await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
                {
                    return null;
                }
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        var deadline = Environment.TickCount64 + _limits.TimeoutMs;
        while (true)
        {
            while (records.Count < _limits.MaxRecords)
            {
                if (_chunk is null)
                {
                    if (!reader.TryRead(out var next))
                    {
                        break;
                    }

                    (_chunk, _chunkIndex) = (next, 0);
                }

                var record = _chunk[_chunkIndex];
                var size = PartitionBatch.SizeOf(record);
                if (records.Count > 0 && bytes + size > _limits.MaxBytes)
                {
                    // The record stays at the head of the chunk and starts the next batch.
                    return this.Take(records, bytes);
                }

                records.Add(record);
                bytes += size;
                if (++_chunkIndex == _chunk.Count)
                {
                    _chunk = null;
                }
            }

            var remaining = deadline - Environment.TickCount64;
            if (records.Count >= _limits.MaxRecords || remaining <= 0)
            {
                return this.Take(records, bytes);
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            wait.CancelAfter(TimeSpan.FromMilliseconds(remaining));
            try
            {
                if (!await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                {
                    return records.Count > 0 && !_stopping.IsCancellationRequested ? this.Take(records, bytes) : null;
                }
            }
            catch (OperationCanceledException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return null;
                }

                return this.Take(records, bytes);
            }
        }
    }

    private PartitionBatch Take(List<ConsumedRecord> records, long bytes)
    {
        Interlocked.Add(ref _buffered, -records.Count);
        Interlocked.Add(ref _bufferedBytes, -bytes);
        _onBatchTaken();
        return new PartitionBatch(this.Topic, this.Partition, records, bytes);
    }
}
