namespace Telemetry.Kafka.Consuming;

/// <summary>
/// Live counters of one host process, for the demo's progress line and summary. The exported metrics go through the
/// Diagnostics meter; these are plain numbers so a console can read them without a MeterListener.
/// </summary>
public sealed class ConsumerProgress
{
    private long _consumed;
    private long _processed;
    private long _batches;
    private long _retries;
    private long _deadLettered;
    private long _deadLetterFailures;
    private long _rebalances;
    private long _pauses;
    private long _lag;
    private int _assignedPartitions;

    /// <summary>Records received from Kafka.</summary>
    public long Consumed => Interlocked.Read(ref _consumed);

    /// <summary>Records finalised (counted or dead-lettered) and safe to commit.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    public long Batches => Interlocked.Read(ref _batches);

    public long Retries => Interlocked.Read(ref _retries);

    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    public long DeadLetterFailures => Interlocked.Read(ref _deadLetterFailures);

    public long Rebalances => Interlocked.Read(ref _rebalances);

    /// <summary>Times a partition's fetching was paused because its batches fell behind (back-pressure).</summary>
    public long Pauses => Interlocked.Read(ref _pauses);

    /// <summary>Sum over assigned partitions of high watermark minus the next offset to commit (refreshed about once a second).</summary>
    public long Lag => Interlocked.Read(ref _lag);

    public int AssignedPartitions => Volatile.Read(ref _assignedPartitions);

    internal void AddConsumed(long n) => Interlocked.Add(ref _consumed, n);

    internal void AddProcessed(long n) => Interlocked.Add(ref _processed, n);

    internal void AddBatch() => Interlocked.Increment(ref _batches);

    internal void AddRetries(long n) => Interlocked.Add(ref _retries, n);

    internal void AddDeadLettered(long n) => Interlocked.Add(ref _deadLettered, n);

    internal void AddDeadLetterFailure() => Interlocked.Increment(ref _deadLetterFailures);

    internal void AddRebalance() => Interlocked.Increment(ref _rebalances);

    internal void AddPause() => Interlocked.Increment(ref _pauses);

    internal void SetLag(long value) => Interlocked.Exchange(ref _lag, value);

    internal void SetAssigned(int count) => Volatile.Write(ref _assignedPartitions, count);
}
