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
internal sealed class PartitionWorker
{
    // Records arrive in chunks, not one by one: a write that finds the worker waiting wakes it through the thread
    // pool, and one wake-up per record (with a fresh batch-timeout timer per wait) cost about 15 % of the CPU of the
    // bench's kafka run, on the same cores librdkafka's fetcher needs.
    private readonly Channel<List<ConsumedRecord>> inbox = Channel.CreateUnbounded<List<ConsumedRecord>>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = false });

    private readonly BatchLimits limits;
    private readonly IStandaloneBatchProcessor processor;
    private readonly SemaphoreSlim inFlight;
    private readonly Action<PartitionWorker, long> onFinalised;
    private readonly Action onBatchTaken;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly CancellationTokenSource abandon = new();
    private List<ConsumedRecord>? staged;
    private long stagedBytes;
    private List<ConsumedRecord>? chunk;
    private int chunkIndex;
    private int buffered;
    private long bufferedBytes;
    private long finalisedThrough = -1;
    private Task run = Task.CompletedTask;

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
        this.limits = limits;
        this.processor = processor;
        this.inFlight = inFlight;
        this.onFinalised = onFinalised;
        this.onBatchTaken = onBatchTaken;
        this.logger = logger;
    }

    public string Topic { get; }

    public int Partition { get; }

    /// <summary>Records received but not yet taken into a batch (the back-pressure signal).</summary>
    public int Buffered => Volatile.Read(ref this.buffered);

    public long BufferedBytes => Interlocked.Read(ref this.bufferedBytes);

    /// <summary>Offset of the first record this worker received; lag counts from here until something is finalised.</summary>
    public long FirstOffsetSeen { get; private set; } = -1;

    public bool Paused { get; set; }

    public void Start() => this.run = Task.Run(this.RunAsync);

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
        Interlocked.Increment(ref this.buffered);
        Interlocked.Add(ref this.bufferedBytes, size);
        (this.staged ??= new List<ConsumedRecord>(Math.Min(this.limits.MaxRecords, 1024))).Add(record);
        this.stagedBytes += size;
        if (this.staged.Count >= this.limits.MaxRecords || this.stagedBytes >= this.limits.MaxBytes)
        {
            this.Flush();
        }

        return size;
    }

    /// <summary>Hands the staged records to the worker. Called by the consume loop thread only.</summary>
    public void Flush()
    {
        if (this.staged is null)
        {
            return;
        }

        this.inbox.Writer.TryWrite(this.staged);
        this.staged = null;
        this.stagedBytes = 0;
    }

    /// <summary>
    /// Stops taking new batches, lets the batch in progress finish for up to <paramref name="grace"/>, then abandons it.
    /// Buffered records that were never processed are dropped; they are redelivered from the committed offset.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        this.inbox.Writer.TryComplete();
        await this.stopping.CancelAsync().ConfigureAwait(false);
        if (!this.run.IsCompleted && grace > TimeSpan.Zero)
        {
            await Task.WhenAny(this.run, Task.Delay(grace)).ConfigureAwait(false);
        }

        if (!this.run.IsCompleted)
        {
            this.logger.LogWarning("Abandoning the in-flight batch of {Topic} [{Partition}] after {GraceMs} ms; it will be redelivered", this.Topic, this.Partition, (int)grace.TotalMilliseconds);
            await this.abandon.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await this.run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Abandoned on purpose.
        }
    }

    private async Task RunAsync()
    {
        while (!this.stopping.IsCancellationRequested)
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
                    await this.inFlight.WaitAsync(this.stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var context = new StandaloneBatchContext(this.Finalise, this.inFlight, this.stopping.Token, this.abandon.Token);
                try
                {
                    await this.processor.ProcessAsync(batch, context).ConfigureAwait(false);
                    break;
                }
                catch (OperationCanceledException) when (this.stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // A processor is expected to handle failures itself; anything that escapes is a fault we retry
                    // (never skip), so the batch is neither lost nor committed.
                    failures++;
                    this.logger.LogError(ex, "Processing a batch of {Topic} [{Partition}] offsets {FirstOffset}..{LastOffset} failed unexpectedly (attempt {Attempt}); retrying", this.Topic, this.Partition, batch.FirstOffset, batch.LastOffset, failures);
                    var delay = TimeSpan.FromMilliseconds(Math.Min(this.limits.FaultBackoffMaxMs, 100 * Math.Pow(2, Math.Min(failures, 16))));
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
        if (offset > this.finalisedThrough)
        {
            this.finalisedThrough = offset;
            this.onFinalised(this, offset);
        }
    }

    private async Task<PartitionBatch?> NextBatchAsync()
    {
        var reader = this.inbox.Reader;
        var records = new List<ConsumedRecord>(Math.Min(this.limits.MaxRecords, 1024));
        long bytes = 0;

        if (this.chunk is null)
        {
            try
            {
                if (!await reader.WaitToReadAsync(this.stopping.Token).ConfigureAwait(false))
                {
                    return null;
                }
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        var deadline = Environment.TickCount64 + this.limits.TimeoutMs;
        while (true)
        {
            while (records.Count < this.limits.MaxRecords)
            {
                if (this.chunk is null)
                {
                    if (!reader.TryRead(out var next))
                    {
                        break;
                    }

                    (this.chunk, this.chunkIndex) = (next, 0);
                }

                var record = this.chunk[this.chunkIndex];
                var size = PartitionBatch.SizeOf(record);
                if (records.Count > 0 && bytes + size > this.limits.MaxBytes)
                {
                    // The record stays at the head of the chunk and starts the next batch.
                    return this.Take(records, bytes);
                }

                records.Add(record);
                bytes += size;
                if (++this.chunkIndex == this.chunk.Count)
                {
                    this.chunk = null;
                }
            }

            var remaining = deadline - Environment.TickCount64;
            if (records.Count >= this.limits.MaxRecords || remaining <= 0)
            {
                return this.Take(records, bytes);
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(this.stopping.Token);
            wait.CancelAfter(TimeSpan.FromMilliseconds(remaining));
            try
            {
                if (!await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                {
                    return records.Count > 0 && !this.stopping.IsCancellationRequested ? this.Take(records, bytes) : null;
                }
            }
            catch (OperationCanceledException)
            {
                if (this.stopping.IsCancellationRequested)
                {
                    return null;
                }

                return this.Take(records, bytes);
            }
        }
    }

    private PartitionBatch Take(List<ConsumedRecord> records, long bytes)
    {
        Interlocked.Add(ref this.buffered, -records.Count);
        Interlocked.Add(ref this.bufferedBytes, -bytes);
        this.onBatchTaken();
        return new PartitionBatch(this.Topic, this.Partition, records, bytes);
    }
}
