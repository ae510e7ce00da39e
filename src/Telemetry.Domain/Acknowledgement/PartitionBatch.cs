using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// Records of one topic partition in increasing offset order: the unit every acknowledgement decision is made on,
/// whichever host delivered them. The standalone host's partition worker gathers one, bounded by the batch size, time
/// and bytes; the Functions trigger's delivery may mix partitions and is <see cref="Split{T}"/> into them.
/// </summary>
public class PartitionBatch
{
    public PartitionBatch(string topic, int partition, IReadOnlyList<ConsumedRecord> records, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(records.Count);
        Topic = topic;
        Partition = partition;
        Records = records;
        Bytes = bytes;
    }

    public string Topic { get; }

    public int Partition { get; }

    public IReadOnlyList<ConsumedRecord> Records { get; }

    /// <summary>Key plus value bytes of all records.</summary>
    public long Bytes { get; }

    public long FirstOffset => Records[0].Offset;

    public long LastOffset => Records[^1].Offset;

    /// <summary>Key plus value bytes of one record, as <see cref="Bytes"/> counts them.</summary>
    public static long SizeOf(ConsumedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Key.Length + record.Value.Length;
    }

    /// <summary>
    /// Groups a delivery that may mix partitions (the Functions trigger's <c>KafkaRecord[]</c>) into partition batches,
    /// each in offset order, keeping with every record the item aligned with it (its outcome, its decoded event).
    /// </summary>
    public static IReadOnlyList<PartitionBatch<T>> Split<T>(IReadOnlyList<ConsumedRecord> records, IReadOnlyList<T> items)
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
                    return new PartitionBatch<T>(
                        g.Key.Topic,
                        g.Key.Partition,
                        [.. ordered.Select(i => records[i])],
                        [.. ordered.Select(i => items[i])],
                        ordered.Sum(i => SizeOf(records[i])));
                }),
        ];
    }

    /// <summary>The shape every acknowledgement input must have: one topic partition, offsets strictly increasing.</summary>
    internal static void RequireOnePartitionInOrder(IReadOnlyList<ConsumedRecord> records, string parameterName)
    {
        for (var i = 1; i < records.Count; i++)
        {
            var (previous, current) = (records[i - 1], records[i]);
            if (current.Partition != previous.Partition || !string.Equals(current.Topic, previous.Topic, StringComparison.Ordinal))
            {
                throw new ArgumentException($"A batch belongs to one partition: {previous.Topic}/{previous.Partition} and {current.Topic}/{current.Partition}.", parameterName);
            }

            if (current.Offset <= previous.Offset)
            {
                throw new ArgumentException($"Offsets must increase: {current.Offset} follows {previous.Offset}.", parameterName);
            }
        }
    }
}
