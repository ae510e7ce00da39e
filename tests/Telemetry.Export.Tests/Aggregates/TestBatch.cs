using Telemetry.Domain.Aggregation;

namespace Telemetry.Export.Tests.Aggregates;

/// <summary>
/// A batch of one partition as the core hands it to sinks: per-record minute aggregates, merged the way the core
/// merges them, so <see cref="AggregatesAfter"/> can honour the replay rule.
/// </summary>
internal sealed class TestBatch(string topic, int partition, long afterOffset, IReadOnlyList<(long Offset, MinuteAggregate Aggregate)> records)
    : IPartitionBatchAggregates
{
    public string Topic { get; } = topic;

    public int Partition { get; } = partition;

    public long AfterOffset { get; } = afterOffset;

    public long ThroughOffset { get; } = records.Count == 0 ? afterOffset : records.Max(r => r.Offset);

    public IReadOnlyList<MinuteAggregate> Aggregates => AggregatesAfter(AfterOffset);

    public IReadOnlyList<NotableEvent> NotableEvents { get; } = [];

    public IReadOnlyList<MinuteAggregate> AggregatesAfter(long offsetExclusive) =>
        records.Where(r => r.Offset > offsetExclusive)
            .GroupBy(r => (r.Aggregate.Series, r.Aggregate.WindowStart))
            .Select(g =>
            {
                var merged = new Distribution();
                foreach (var (_, aggregate) in g)
                {
                    merged.Merge(aggregate.Distribution);
                }

                return new MinuteAggregate(g.Key.Series, g.Key.WindowStart, merged);
            })
            .ToList();
}
