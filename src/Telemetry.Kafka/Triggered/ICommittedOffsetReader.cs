using Confluent.Kafka;

namespace Telemetry.Kafka.Triggered;

/// <summary>
/// The trigger's consumer group's committed offsets. The Functions Kafka extension commits a batch only after the
/// function returned, that is after its dead letters and ledger rows were written, so every record below the
/// committed offset has been finalised by some instance. <see cref="TriggeredBatchProcessor"/> reads them before
/// deciding a batch, so an instance that lost its partition in the middle of a retry and runs the batch again
/// after the new owner finished it neither dead-letters nor counts those records a second time.
/// </summary>
public interface ICommittedOffsetReader
{
    /// <summary>
    /// The committed offset (the next offset to read) of each of <paramref name="partitions"/> that the group has
    /// committed; partitions it never committed are absent. Throws when the broker cannot say: the batch then runs
    /// again rather than risk a duplicate.
    /// </summary>
    Task<IReadOnlyDictionary<TopicPartition, long>> ReadAsync(IReadOnlyCollection<TopicPartition> partitions, CancellationToken cancellationToken);
}
