using Telemetry.Domain.Ingestion;

namespace Telemetry.Kafka.Consuming;

/// <summary>Consecutive records of one partition, in offset order, bounded by the batch size, time and bytes.</summary>
internal sealed class PartitionBatch
{
    public PartitionBatch(string topic, int partition, IReadOnlyList<ConsumedRecord> records, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(records.Count);
        this.Topic = topic;
        this.Partition = partition;
        this.Records = records;
        this.Bytes = bytes;
    }

    public string Topic { get; }

    public int Partition { get; }

    public IReadOnlyList<ConsumedRecord> Records { get; }

    /// <summary>Key plus value bytes of all records.</summary>
    public long Bytes { get; }

    public long FirstOffset => this.Records[0].Offset;

    public long LastOffset => this.Records[^1].Offset;
}
