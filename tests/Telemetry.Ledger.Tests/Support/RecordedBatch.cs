using Telemetry.Domain.Aggregation;

namespace Telemetry.Ledger.Tests.Support;

/// <summary>
/// A test-side <see cref="IPartitionBatchAggregates"/> over <see cref="Distribution"/>: the records of one
/// partition in (after, through], aggregated per series and minute exactly as the processing core does.
/// </summary>
internal sealed class RecordedBatch : IPartitionBatchAggregates
{
    private readonly List<TestRecord> _records;

    public RecordedBatch(string topic, int partition, long afterOffset, long throughOffset, IEnumerable<TestRecord> records, IReadOnlyList<NotableEvent>? notable = null)
    {
        Topic = topic;
        Partition = partition;
        AfterOffset = afterOffset;
        ThroughOffset = throughOffset;
        _records = records.Where(r => r.Offset > afterOffset && r.Offset <= throughOffset).ToList();
        NotableEvents = notable ?? [];
        Aggregates = Aggregate(_records);
    }

    public string Topic { get; }

    public int Partition { get; }

    public long AfterOffset { get; }

    public long ThroughOffset { get; }

    public IReadOnlyList<MinuteAggregate> Aggregates { get; }

    public IReadOnlyList<NotableEvent> NotableEvents { get; }

    public IReadOnlyList<MinuteAggregate> AggregatesAfter(long offsetExclusive) => Aggregate(_records.Where(r => r.Offset > offsetExclusive));

    /// <summary>Cuts a partition's records into consecutive batches at the given offsets (each the batch's last offset).</summary>
    public static List<RecordedBatch> Split(string topic, int partition, IReadOnlyList<TestRecord> records, long startAfter, IEnumerable<long> cuts)
    {
        var batches = new List<RecordedBatch>();
        var after = startAfter;
        foreach (var through in cuts.Order())
        {
            batches.Add(new RecordedBatch(topic, partition, after, through, records));
            after = through;
        }

        return batches;
    }

    private static List<MinuteAggregate> Aggregate(IEnumerable<TestRecord> records)
    {
        var windows = new Dictionary<(MetricSeries, DateTimeOffset), Distribution>();
        foreach (var r in records)
        {
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
