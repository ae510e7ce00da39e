using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Aggregation;

/// <summary>
/// What one batch from one Kafka partition counted: minute aggregates and notable events of the
/// records that were finalised (committed or dead-lettered) in offset range (<see cref="AfterOffset"/>, <see cref="ThroughOffset"/>].
/// A ledger that finds a row already counted up to some offset inside that range asks for the
/// aggregates of only the later records, so a replay with different batch boundaries never counts twice.
/// </summary>
public interface IPartitionBatchAggregates
{
    string Topic { get; }

    int Partition { get; }

    /// <summary>The last offset counted before this batch (exclusive lower bound of the range).</summary>
    long AfterOffset { get; }

    /// <summary>The last offset this batch finalises (inclusive upper bound); the ledger's new watermark.</summary>
    long ThroughOffset { get; }

    /// <summary>Aggregates of every counted record in the range.</summary>
    IReadOnlyList<MinuteAggregate> Aggregates { get; }

    IReadOnlyList<NotableEvent> NotableEvents { get; }

    /// <summary>Aggregates of the counted records with offset greater than <paramref name="offsetExclusive"/>.</summary>
    IReadOnlyList<MinuteAggregate> AggregatesAfter(long offsetExclusive);
}
