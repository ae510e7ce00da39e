namespace Telemetry.Kafka.Consuming;

/// <summary>
/// Live counters of one host process, for the demo's progress line and summary. The exported metrics go through the
/// Diagnostics meter; these are plain numbers so a console can read them without a MeterListener.
/// </summary>
public sealed class ConsumerProgress
{
    private long consumed;
    private long processed;
    private long batches;
    private long retries;
    private long deadLettered;
    private long deadLetterFailures;
    private long rebalances;
    private long pauses;
    private long lag;
    private int assignedPartitions;

    /// <summary>Records received from Kafka.</summary>
    public long Consumed => Interlocked.Read(ref this.consumed);

    /// <summary>Records finalised (counted or dead-lettered) and safe to commit.</summary>
    public long Processed => Interlocked.Read(ref this.processed);

    public long Batches => Interlocked.Read(ref this.batches);

    public long Retries => Interlocked.Read(ref this.retries);

    public long DeadLettered => Interlocked.Read(ref this.deadLettered);

    public long DeadLetterFailures => Interlocked.Read(ref this.deadLetterFailures);

    public long Rebalances => Interlocked.Read(ref this.rebalances);

    /// <summary>Times a partition's fetching was paused because its batches fell behind (back-pressure).</summary>
    public long Pauses => Interlocked.Read(ref this.pauses);

    /// <summary>Sum over assigned partitions of high watermark minus the next offset to commit (refreshed about once a second).</summary>
    public long Lag => Interlocked.Read(ref this.lag);

    public int AssignedPartitions => Volatile.Read(ref this.assignedPartitions);

    internal void AddConsumed(long n) => Interlocked.Add(ref this.consumed, n);

    internal void AddProcessed(long n) => Interlocked.Add(ref this.processed, n);

    internal void AddBatch() => Interlocked.Increment(ref this.batches);

    internal void AddRetries(long n) => Interlocked.Add(ref this.retries, n);

    internal void AddDeadLettered(long n) => Interlocked.Add(ref this.deadLettered, n);

    internal void AddDeadLetterFailure() => Interlocked.Increment(ref this.deadLetterFailures);

    internal void AddRebalance() => Interlocked.Increment(ref this.rebalances);

    internal void AddPause() => Interlocked.Increment(ref this.pauses);

    internal void SetLag(long value) => Interlocked.Exchange(ref this.lag, value);

    internal void SetAssigned(int count) => Volatile.Write(ref this.assignedPartitions, count);
}
