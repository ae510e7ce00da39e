using Telemetry.Domain.Aggregation;

namespace Telemetry.Ledger.Aggregates;

/// <summary>
/// A batch's aggregates indexed by (series, window), plus the "records after offset w" views the replay rule
/// asks for, computed once per distinct watermark however many rows share it.
/// </summary>
internal sealed class BatchView
{
    private readonly IPartitionBatchAggregates _batch;
    private readonly Dictionary<long, Dictionary<(MetricSeries, DateTimeOffset), Distribution>> _after = [];

    public BatchView(IPartitionBatchAggregates batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.ThroughOffset < batch.AfterOffset)
        {
            throw new ArgumentException($"Batch {batch.Topic}[{batch.Partition}] ends ({batch.ThroughOffset}) before it starts ({batch.AfterOffset}).", nameof(batch));
        }

        _batch = batch;
        All = Index(batch.Aggregates);
    }

    public IPartitionBatchAggregates Batch => _batch;

    public Dictionary<(MetricSeries Series, DateTimeOffset Window), Distribution> All { get; }

    public Distribution? After(long watermark, MetricSeries series, DateTimeOffset window)
    {
        if (!_after.TryGetValue(watermark, out var index))
        {
            index = Index(_batch.AggregatesAfter(watermark));
            _after[watermark] = index;
        }

        return index.GetValueOrDefault((series, window));
    }

    private static Dictionary<(MetricSeries, DateTimeOffset), Distribution> Index(IReadOnlyList<MinuteAggregate> aggregates)
    {
        var index = new Dictionary<(MetricSeries, DateTimeOffset), Distribution>();
        foreach (var a in aggregates)
        {
            if (a.Distribution.Count == 0)
            {
                continue;
            }

            var window = MinuteLayout.FloorMinute(a.WindowStart);
            if (index.TryGetValue((a.Series, window), out var existing))
            {
                existing.Merge(a.Distribution);
            }
            else
            {
                index[(a.Series, window)] = a.Distribution.Clone();
            }
        }

        return index;
    }
}
