using Telemetry.Domain.Aggregation;

namespace Telemetry.Benchmarks;

/// <summary>
/// The processing core's part of the pipeline for the benchmark: aggregates one batch's records per series and
/// minute into <see cref="Distribution"/>s (recomputed on each call, so the timed path includes aggregation).
/// </summary>
internal sealed class LedgerBatch : IPartitionBatchAggregates
{
    private readonly List<LedgerRecord> _records;

    public LedgerBatch(string topic, int partition, long afterOffset, long throughOffset, List<LedgerRecord> records)
    {
        Topic = topic;
        Partition = partition;
        AfterOffset = afterOffset;
        ThroughOffset = throughOffset;
        _records = records;
    }

    public string Topic { get; }

    public int Partition { get; }

    public long AfterOffset { get; }

    public long ThroughOffset { get; }

    public IReadOnlyList<LedgerRecord> Records => _records;

    public IReadOnlyList<MinuteAggregate> Aggregates => AggregatesAfter(AfterOffset);

    public IReadOnlyList<NotableEvent> NotableEvents => [];

    public IReadOnlyList<MinuteAggregate> AggregatesAfter(long offsetExclusive)
    {
        var windows = new Dictionary<(MetricSeries, DateTimeOffset), Distribution>();
        foreach (var r in _records)
        {
            if (r.Offset <= offsetExclusive)
            {
                continue;
            }

            var window = new DateTimeOffset(r.Time.UtcTicks - (r.Time.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
            if (!windows.TryGetValue((r.Series, window), out var d))
            {
                d = new Distribution();
                windows[(r.Series, window)] = d;
            }

            d.Record(r.Value);
        }

        return windows.Select(w => new MinuteAggregate(w.Key.Item1, w.Key.Item2, w.Value)).ToList();
    }
}
