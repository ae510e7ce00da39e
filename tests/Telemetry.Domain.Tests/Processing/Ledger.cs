using Telemetry.Domain.Aggregation;

namespace Telemetry.Domain.Tests.Processing;

/// <summary>
/// What a ledger does with finalised batches, reduced to its rule: per partition a watermark; a batch whose range
/// starts below it only contributes the records after it (<see cref="IPartitionBatchAggregates.AggregatesAfter"/>).
/// Cells merge by (window, series).
/// </summary>
internal sealed class Ledger
{
    private readonly Dictionary<(string Topic, int Partition), long> _watermarks = [];

    public Dictionary<(DateTimeOffset Window, MetricSeries Series), Distribution> Cells { get; } = [];

    public void Write(IPartitionBatchAggregates batch)
    {
        var key = (batch.Topic, batch.Partition);
        var watermark = _watermarks.GetValueOrDefault(key, -1);
        if (batch.ThroughOffset <= watermark)
        {
            return;
        }

        Merge(batch.AfterOffset >= watermark ? batch.Aggregates : batch.AggregatesAfter(watermark));
        _watermarks[key] = batch.ThroughOffset;
    }

    public void Merge(IEnumerable<MinuteAggregate> aggregates)
    {
        foreach (var a in aggregates)
        {
            if (!Cells.TryGetValue((a.WindowStart, a.Series), out var d))
            {
                Cells[(a.WindowStart, a.Series)] = d = new Distribution();
            }

            d.Merge(a.Distribution);
        }
    }

    public bool SameAs(Ledger other) =>
        Cells.Count == other.Cells.Count && Cells.All(kv => other.Cells.TryGetValue(kv.Key, out var d) && d.Equals(kv.Value));
}
