using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Acknowledgement;

/// <summary>A partition batch with the item that belongs to each record (an outcome, a decoded event), in the same order.</summary>
public sealed class PartitionBatch<T> : PartitionBatch
{
    public PartitionBatch(string topic, int partition, IReadOnlyList<ConsumedRecord> records, IReadOnlyList<T> items, long bytes)
        : base(topic, partition, records, bytes)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count != records.Count)
        {
            throw new ArgumentException($"{items.Count} items for {records.Count} records.", nameof(items));
        }

        Items = items;
    }

    public IReadOnlyList<T> Items { get; }
}
