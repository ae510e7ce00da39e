using System.Collections.Concurrent;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Kafka.Consuming;

namespace Telemetry.Kafka.Tests.Consuming;

/// <summary>
/// Finalises every batch it sees and remembers what it processed; a test can hold a partition (to show it does not
/// block the others) or make it stop half-way through a batch (to show what an abandoned batch leaves committed).
/// </summary>
internal sealed class RecordingProcessor(string name = "p") : IStandaloneBatchProcessor
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _holds = new();

    public string Name { get; } = name;

    public ConcurrentQueue<(string Processor, int Partition, long First, long Last, int Count, long Bytes)> Batches { get; } = new();

    public ConcurrentQueue<(string Processor, int Partition, long Offset, long At)> Processed { get; } = new();

    public ConcurrentQueue<(string Processor, int Partition, long Offset)> Finalised { get; } = new();

    /// <summary>When set, a batch of this partition finalises only its first half, then waits until abandoned.</summary>
    public int? StallHalfWayOnPartition { get; set; }

    public TimeSpan PerBatchDelay { get; set; } = TimeSpan.Zero;

    public int ProcessedCount => this.Processed.Count;

    /// <summary>Partitions the loop reported as given up, in order.</summary>
    public ConcurrentQueue<int> Stopped { get; } = new();

    public void PartitionStopped(string topic, int partition) => this.Stopped.Enqueue(partition);

    public void Hold(int partition) => _holds[partition] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(int partition)
    {
        if (_holds.TryRemove(partition, out var hold))
        {
            hold.TrySetResult();
        }
    }

    public async Task ProcessAsync(PartitionBatch batch, StandaloneBatchContext context)
    {
        this.Batches.Enqueue((this.Name, batch.Partition, batch.FirstOffset, batch.LastOffset, batch.Records.Count, batch.Bytes));
        if (_holds.TryGetValue(batch.Partition, out var hold))
        {
            await hold.Task.WaitAsync(context.Abandon);
        }

        if (this.PerBatchDelay > TimeSpan.Zero)
        {
            await Task.Delay(this.PerBatchDelay, context.Abandon);
        }

        if (this.StallHalfWayOnPartition == batch.Partition && batch.Records.Count > 1)
        {
            var half = batch.Records.Count / 2;
            foreach (var r in batch.Records.Take(half))
            {
                this.Processed.Enqueue((this.Name, r.Partition, r.Offset, System.Diagnostics.Stopwatch.GetTimestamp()));
            }

            this.Finalise(context, batch.Partition, batch.Records[half - 1].Offset);
            await Task.Delay(Timeout.Infinite, context.Abandon);
        }

        foreach (var r in batch.Records)
        {
            this.Processed.Enqueue((this.Name, r.Partition, r.Offset, System.Diagnostics.Stopwatch.GetTimestamp()));
        }

        this.Finalise(context, batch.Partition, batch.LastOffset);
    }

    private void Finalise(StandaloneBatchContext context, int partition, long offset)
    {
        this.Finalised.Enqueue((this.Name, partition, offset));
        context.Finalise(offset);
    }
}
