using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Acknowledgement;

/// <summary>The shape every acknowledgement input must have: one topic partition, offsets strictly increasing.</summary>
internal static class PartitionBatch
{
    public static void RequireOnePartitionInOrder(IReadOnlyList<ConsumedRecord> records, string parameterName)
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
