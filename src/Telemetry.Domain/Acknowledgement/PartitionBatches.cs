using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// Splits a delivered batch into per-partition batches in offset order. The Functions trigger's
/// <c>KafkaRecord[]</c> may mix partitions, while acknowledgement is decided per partition.
/// </summary>
public static class PartitionBatches
{
    /// <summary>Groups <paramref name="records"/> and the items aligned with them (outcomes, decoded events) by topic and partition, each group in offset order.</summary>
    public static IReadOnlyList<PartitionSlice<T>> Split<T>(IReadOnlyList<ConsumedRecord> records, IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(items);
        if (records.Count != items.Count)
        {
            throw new ArgumentException($"{items.Count} items for {records.Count} records.", nameof(items));
        }

        return
        [
            .. Enumerable.Range(0, records.Count)
                .GroupBy(i => (records[i].Topic, records[i].Partition))
                .OrderBy(g => g.Key.Topic, StringComparer.Ordinal)
                .ThenBy(g => g.Key.Partition)
                .Select(g =>
                {
                    var ordered = g.OrderBy(i => records[i].Offset).ToArray();
                    return new PartitionSlice<T>(g.Key.Topic, g.Key.Partition, [.. ordered.Select(i => records[i])], [.. ordered.Select(i => items[i])]);
                }),
        ];
    }
}
